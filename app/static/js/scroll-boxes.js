/*
 * Boxes that scroll sideways on a narrow screen (a wide table in .table-wrap, or a table that
 * app.css turns into its own scroll box on a phone) can be scrolled by keyboard: while one
 * overflows, it takes focus (tabindex="0"), so arrow keys scroll it (WCAG 2.1.1; axe's
 * scrollable-region-focusable). A box that fits again gives the tab stop back.
 */
(function () {
  'use strict';

  var SELECTOR = '.table-wrap, .table-scroll, table.table';
  var MARK = 'data-scroll-box';

  function scrolls(box) {
    var overflow = window.getComputedStyle(box).overflowX;
    return (overflow === 'auto' || overflow === 'scroll') && box.scrollWidth > box.clientWidth + 1;
  }

  function update() {
    var boxes = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (scrolls(box)) {
        if (!box.hasAttribute('tabindex')) {
          box.setAttribute('tabindex', '0');
          box.setAttribute(MARK, '');
        }
      } else if (box.hasAttribute(MARK)) {
        box.removeAttribute('tabindex');
        box.removeAttribute(MARK);
      }
    }
  }

  var pending = null;
  function later() {
    if (pending === null) {
      pending = window.setTimeout(function () {
        pending = null;
        update();
      }, 150);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', update);
  } else {
    update();
  }
  window.addEventListener('resize', later);
  window.addEventListener('load', update);
  // A table inside <details> has its width only once opened.
  document.addEventListener('toggle', later, true);
}());
