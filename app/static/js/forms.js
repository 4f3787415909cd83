/*
 * Form errors, for keyboard and screen reader users: on a page answered with field errors,
 * focus goes to the first field marked aria-invalid, whose aria-describedby names its message
 * (macros.html). The summary above the form has role="alert", so it is announced as well
 * (WCAG 3.3.1). Without JavaScript the summary and the messages are still there.
 */
(function () {
  'use strict';

  function focusFirstInvalid() {
    var field = document.querySelector('main [aria-invalid="true"]');
    if (!field || field.disabled || typeof field.focus !== 'function') {
      return;
    }
    // A field the user already moved to (a fast typist, or the browser's autofocus on another
    // field) is left alone only if it is itself in error.
    var active = document.activeElement;
    if (active && active !== document.body && active.getAttribute('aria-invalid') === 'true') {
      return;
    }
    field.focus();
    if (typeof field.select === 'function' && field.type === 'password') {
      field.select();
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', focusFirstInvalid);
  } else {
    focusFirstInvalid();
  }
}());
