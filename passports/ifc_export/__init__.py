"""IFC models that carry their passports: the model of each IFC import is kept, and written
back with every imported element carrying the CPset_MaterialPassport property set.

- store: keeping the uploaded model under the upload folder, content-addressed;
- pset: what CPset_MaterialPassport holds, and why it is named so;
- writeback: adding or updating the property set in a kept model, fast;
- queries: a building's kept models, the access to them.
"""
