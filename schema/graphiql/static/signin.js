// The sign-in panel above GraphiQL: e-mail and password go once to the token endpoint
// (password grant of the built-in client `qiita-graphiql`); the token, the e-mail and the
// expiry time are kept in sessionStorage only (gone when the tab closes). The password is
// never stored: tokens cannot be refreshed, so the panel warns five minutes before expiry
// and offers to sign in again; at expiry the token is dropped.
(function () {
  "use strict";
  var STORAGE_KEY = "qiita-gateway.graphiql.session";
  var WARN_BEFORE_MS = 5 * 60 * 1000;
  var TICK_MS = 10 * 1000;

  var panel = document.getElementById("signin");
  var tokenEndpoint = new URL(panel.dataset.tokenEndpoint, window.location.href);
  var graphqlEndpoint = new URL(panel.dataset.graphqlEndpoint, window.location.href);
  var clientId = panel.dataset.clientId;
  var form = document.getElementById("signin-form");
  var email = document.getElementById("signin-email");
  var password = document.getElementById("signin-password");
  var submit = document.getElementById("signin-submit");
  var status = document.getElementById("signin-status");
  var error = document.getElementById("signin-error");
  var again = document.getElementById("signin-again");
  var signOut = document.getElementById("signout");
  var listeners = [];
  var session = load();
  var formWanted = false;

  function load() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY));
      if (stored && stored.token && stored.expiresAt > Date.now()) {
        return stored;
      }
    } catch (ignored) {
      // Unreadable: treated as signed out.
    }
    window.sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }

  function change(next) {
    session = next;
    if (next) {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } else {
      window.sessionStorage.removeItem(STORAGE_KEY);
    }
    formWanted = false;
    render();
    listeners.forEach(function (listener) { listener(); });
  }

  function clock(time) {
    return new Date(time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function render() {
    var now = Date.now();
    if (session && session.expiresAt <= now) {
      change(null);
      error.textContent = "Your token has expired: sign in again.";
      return;
    }
    var expiring = session && session.expiresAt - now <= WARN_BEFORE_MS;
    form.hidden = Boolean(session) && !formWanted;
    again.hidden = !session || formWanted;
    signOut.hidden = !session;
    status.classList.toggle("expiring", Boolean(expiring));
    if (!session) {
      status.textContent = "Not signed in: public data only.";
      return;
    }
    var minutes = Math.max(1, Math.round((session.expiresAt - now) / 60000));
    var who = "Signed in as " + session.email + (session.level ? " (" + String(session.level).toLowerCase() + ")" : "");
    status.textContent = who + " · token expires at " + clock(session.expiresAt) +
      " (in " + minutes + " min)" + (expiring ? ": sign in again to keep working" : "");
  }

  async function requestToken(username, secret) {
    var body = new URLSearchParams({
      grant_type: "password", client_id: clientId, username: username, password: secret,
    });
    var response = await fetch(tokenEndpoint, { method: "POST", body: body, credentials: "omit" });
    var answer = await response.json().catch(function () { return {}; });
    if (!response.ok || !answer.access_token) {
      throw new Error(answer.error_description || "Sign-in failed (HTTP " + response.status + ").");
    }
    return answer;
  }

  async function viewer(token) {
    var response = await fetch(graphqlEndpoint, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify({ query: "query SignedIn { viewer { email level } }" }),
    });
    var answer = await response.json().catch(function () { return {}; });
    return (answer.data && answer.data.viewer) || null;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    try {
      var answer = await requestToken(email.value.trim(), password.value);
      var expiresAt = Date.now() + answer.expires_in * 1000;
      var who = await viewer(answer.access_token);
      change({
        token: answer.access_token,
        email: who ? who.email : email.value.trim(),
        level: who ? who.level : "",
        expiresAt: expiresAt,
      });
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      password.value = "";
      submit.disabled = false;
    }
  });

  again.addEventListener("click", function () {
    formWanted = true;
    if (session) {
      email.value = session.email;
    }
    render();
    password.focus();
  });

  signOut.addEventListener("click", function () {
    error.textContent = "";
    change(null);
  });

  window.setInterval(render, TICK_MS);
  render();

  window.QiitaSignIn = {
    // The `Authorization` value of the signed-in analyst, or null.
    authorization: function () {
      return session && session.expiresAt > Date.now() ? "Bearer " + session.token : null;
    },
    onChange: function (listener) { listeners.push(listener); },
  };
})();
