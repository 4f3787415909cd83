"""UN Transparency Protocol (UNTP) credentials of passports, signed by the instance.

- `credential`: the DigitalProductPassport of a component (full, offered or public view),
  made of the parts in `sections`; `building`: a building's;
- `events`: a component's chain of custody as a Digital Traceability Event credential;
- `signing`: the instance's Ed25519 key, its did:web document, and the VC-JOSE-COSE form;
- `verify`: checking a signed credential offline (`flask passports verify FILE`);
- `responses`: serving a credential as JSON or signed, as the request asks;
- `vocabulary`: UNTP contexts, units and building blocks.
"""
