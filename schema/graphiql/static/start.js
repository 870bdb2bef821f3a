// Starts GraphiQL against this server only: queries and mutations over POST, subscriptions
// over WebSocket (graphql-transport-ws), with the Explorer plugin. The token of the sign-in
// panel (signin.js) goes with every request and in connection_init, unless the Headers tab
// sets its own Authorization.
(function () {
  "use strict";
  var endpoint = new URL(document.currentScript.dataset.endpoint, window.location.href);
  var wsScheme = endpoint.protocol === "https:" ? "wss:" : "ws:";
  var baseFetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: wsScheme + "//" + endpoint.host + endpoint.pathname,
  });

  function hasAuthorization(headers) {
    return Object.keys(headers).some(function (name) {
      return name.toLowerCase() === "authorization";
    });
  }

  function fetcher(params, options) {
    var headers = Object.assign({}, (options && options.headers) || {});
    var authorization = window.QiitaSignIn.authorization();
    if (authorization && !hasAuthorization(headers)) {
      headers.Authorization = authorization;
    }
    return baseFetcher(params, Object.assign({}, options || {}, { headers: headers }));
  }

  var defaultQuery = [
    "# Welcome to the qiita-gateway GraphQL API.",
    "#",
    "# Sign in at the top of the page to see your private studies and jobs; signed out,",
    "# you see public data. The Explorer (compass icon on the left) builds a query by",
    "# clicking fields. Run one of the examples below with the run button's menu.",
    "",
    "# 1. A study with its preparations and its first samples' values.",
    "query StudyWithSamples($studyId: Int! = 1) {",
    "  study(studyId: $studyId) {",
    "    studyId",
    "    title",
    "    preparations(first: 5) { nodes { prepId dataType } }",
    "    samples(first: 3) {",
    "      totalCount",
    "      nodes { sampleName values { category value } }",
    "    }",
    "  }",
    "}",
    "",
    "# 2. Jobs you may read: status and current step (newest first).",
    "query JobSteps {",
    "  jobs(first: 5) {",
    "    nodes { jobId status step command { name } }",
    "  }",
    "}",
    "",
    "# 3. Follow one job as it changes (put its jobId in the Variables tab:",
    '#    {"jobId": "..."}); needs to be signed in.',
    "subscription FollowJob($jobId: String!) {",
    "  jobUpdated(jobId: $jobId) { jobId status step heartbeat }",
    "}",
    "",
  ].join("\n");

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    })
  );
})();
