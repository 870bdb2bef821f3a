// Shows this server's OpenAPI document with Swagger UI; nothing is fetched from elsewhere
// (the online validator badge is off).
(function () {
  "use strict";
  var spec = new URL(document.currentScript.dataset.spec, window.location.href);
  window.ui = SwaggerUIBundle({
    url: spec.href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
