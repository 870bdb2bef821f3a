// Starts GraphiQL against this server only: queries and mutations over POST, subscriptions
// over WebSocket (graphql-transport-ws). Headers typed into the Headers tab, such as
// {"Authorization": "Bearer <token>"}, go with every request and in connection_init.
(function () {
  "use strict";
  var endpoint = new URL(document.currentScript.dataset.endpoint, window.location.href);
  var wsScheme = endpoint.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: wsScheme + "//" + endpoint.host + endpoint.pathname,
  });
  var defaultQuery = [
    "# Welcome to the qiita-gateway GraphQL API.",
    "#",
    "# To act as yourself, open the Headers tab below and enter your token:",
    '#   {"Authorization": "Bearer <your access token>"}',
    "# Tokens come from POST /qiita_db/authenticate/ (the same token works on REST).",
    "",
    "query FirstStudies {",
    "  studies(first: 5) {",
    "    totalCount",
    "    nodes { studyId title }",
    "  }",
    "}",
    "",
  ].join("\n");
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
