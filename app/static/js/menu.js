/*
 * The header's menu on narrow screens (below 860 px, app.css): a real button that opens and
 * closes it, saying so with aria-expanded.
 *
 * Loaded in <head> without `defer`: it swaps the <html> class `no-js` for `js` before the
 * page is drawn. Without JavaScript the class stays and the menu is simply shown open, so it
 * is usable with or without script. Escape closes an open menu and puts focus back on its
 * button (WCAG 2.1.1, 2.4.3).
 */
(function () {
  'use strict';

  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  function setUp() {
    var button = document.querySelector('.nav-toggle[aria-controls]');
    var menu = button && document.getElementById(button.getAttribute('aria-controls'));
    if (!menu) {
      return;
    }

    function isOpen() {
      return button.getAttribute('aria-expanded') === 'true';
    }

    function setOpen(open) {
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      menu.classList.toggle('is-open', open);
    }

    button.addEventListener('click', function () {
      setOpen(!isOpen());
    });

    document.addEventListener('keydown', function (event) {
      if ((event.key === 'Escape' || event.key === 'Esc') && isOpen()) {
        setOpen(false);
        // Only where the button is shown (narrow screens) can it take focus.
        if (button.offsetParent !== null) {
          button.focus();
        }
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setUp);
  } else {
    setUp();
  }
}());
