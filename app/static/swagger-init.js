// Starts Swagger UI from the app's own copy; the spec URL comes from the page.
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({ url: el.dataset.specUrl, dom_id: "#swagger-ui-container" });
});
