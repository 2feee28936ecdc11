/*
 * Omnisend snippet stand-in, served by the sandbox at /inshop/launcher-v2.js (tracking.md §3).
 *
 * The page keeps Omnisend's own snippet; only the script host changes. This file takes the commands the
 * snippet queued in `window.omnisend`, replaces the array with an object whose `push` runs commands at
 * once, and sends every hit to the host it was loaded from: identifyContact (a CORS GET that reads the
 * contact id), page views (image beacons) and tracked events (sendBeacon, text/plain: no preflight).
 * It never throws into the page and never logs above console.debug.
 */
(function (window, document) {
  "use strict";

  var LAUNCHER_PATH = "/inshop/launcher-v2.js";
  var DAY = 86400;
  var VISITOR_LIFE = 365 * DAY;
  var CONTACT_LIFE = 30 * DAY;
  var SESSION_IDLE = 30 * 60;
  var EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
  var ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  function debug() {
    try {
      if (window.console && typeof window.console.debug === "function") {
        window.console.debug.apply(window.console, ["[omnisend stand-in]"].concat([].slice.call(arguments)));
      }
    } catch (e) { /* never surface */ }
  }

  var existing = window.omnisend;
  if (existing && existing.loaded === true) {
    return; // loaded twice: the second copy does nothing
  }

  // -- where to send hits: the origin this file came from ------------------------------------------
  function findRoot() {
    var src = document.currentScript && document.currentScript.src;
    if (!src) {
      var scripts = document.getElementsByTagName("script");
      for (var i = scripts.length - 1; i >= 0; i--) {
        var candidate = scripts[i].src || "";
        if (candidate.split("?")[0].slice(-LAUNCHER_PATH.length) === LAUNCHER_PATH) {
          src = candidate;
          break;
        }
      }
    }
    try {
      return new URL(src, window.location.href).origin;
    } catch (e) {
      return window.location.origin;
    }
  }
  var ROOT = findRoot();

  // -- cookies (first-party, as the vendor keeps them) ----------------------------------------------
  function cookieDomain() {
    var host = window.location.hostname;
    if (!host || host === "localhost" || /^[\d.]+$/.test(host) || host.indexOf(":") >= 0) {
      return ""; // browsers refuse domain=.127.0.0.1; loopback QA runs without it
    }
    return "; domain=." + host.replace(/^www\./, "");
  }
  function getCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var at = parts[i].indexOf("=");
      if (parts[i].slice(0, at) === name) {
        return decodeURIComponent(parts[i].slice(at + 1));
      }
    }
    return null;
  }
  function setCookie(name, value, seconds) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; max-age=" + seconds + "; path=/; SameSite=Lax" +
      cookieDomain();
  }

  // -- ids ------------------------------------------------------------------------------------------
  function randomText(length) {
    var out = "";
    var bytes = null;
    if (window.crypto && window.crypto.getRandomValues) {
      bytes = window.crypto.getRandomValues(new Uint8Array(length));
    }
    for (var i = 0; i < length; i++) {
      var n = bytes ? bytes[i] : Math.floor(Math.random() * 256);
      out += ALNUM.charAt(n % ALNUM.length);
    }
    return out;
  }
  function stamp() {
    return new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14); // YYYYMMDDhhmmss, UTC
  }
  function uuid4() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var hex = "";
    for (var i = 0; i < 32; i++) {
      hex += Math.floor(Math.random() * 16).toString(16);
    }
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-4" + hex.slice(13, 16) + "-" +
      "89ab".charAt(Math.floor(Math.random() * 4)) + hex.slice(17, 20) + "-" + hex.slice(20, 32);
  }

  function visitorID() {
    var id = getCookie("soundestID") || stamp() + "-" + randomText(49);
    setCookie("soundestID", id, VISITOR_LIFE);
    if (!getCookie("omnisendAnonymousID")) {
      setCookie("omnisendAnonymousID", randomText(14) + "-" + stamp(), VISITOR_LIFE);
    }
    return id;
  }
  function sessionID() {
    var id = getCookie("omnisendSessionID") || randomText(14) + "-" + stamp();
    setCookie("omnisendSessionID", id, SESSION_IDLE); // renewed on every hit: expires after 30 idle minutes
    return id;
  }

  // -- transport ------------------------------------------------------------------------------------
  function query(params) {
    var parts = [];
    for (var key in params) {
      if (Object.prototype.hasOwnProperty.call(params, key) && params[key] !== null &&
          params[key] !== undefined && params[key] !== "") {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(params[key]));
      }
    }
    return parts.join("&");
  }
  function getBeacon(path, params) {
    try {
      new Image().src = ROOT + path + "?" + query(params);
    } catch (e) {
      debug("beacon failed", e);
    }
  }
  function postBeacon(path, body) {
    var url = ROOT + path;
    var json = JSON.stringify(body);
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(url, new Blob([json], {type: "text/plain;charset=UTF-8"}))) {
        return;
      }
    } catch (e) {
      debug("sendBeacon failed", e);
    }
    try {
      window.fetch(url, {method: "POST", mode: "no-cors", keepalive: true, body: json,
        headers: {"Content-Type": "text/plain;charset=UTF-8"}}).catch(function () {});
    } catch (e) {
      debug("fetch failed", e);
    }
  }

  // -- commands -------------------------------------------------------------------------------------
  var brandID = null;
  var waiting = []; // commands that arrived before a brand id (mock decision: run once it arrives)

  function page() {
    return {url: window.location.href, title: document.title};
  }
  function utm(name) {
    try {
      return new URL(window.location.href).searchParams.get(name);
    } catch (e) {
      return null;
    }
  }

  function pageViewed() {
    getBeacon("/REST/webTracking/v1/event", {
      type: "pageview", brandID: brandID, visitorID: visitorID(), sessionID: sessionID(),
      contactID: getCookie("omnisendContactID"), url: window.location.href, title: document.title,
      timestamp: Date.now(), language: navigator.language, utmSource: utm("utm_source"),
      utmMedium: utm("utm_medium"), utmCampaign: utm("utm_campaign")
    });
  }

  function track(name, payload) {
    if (typeof name !== "string" || !name) {
      debug("track needs an event name", name);
      return;
    }
    if (name === "$pageViewed") {
      pageViewed();
      return;
    }
    var data = payload && typeof payload === "object" ? payload : {};
    var contact = {};
    var contactID = getCookie("omnisendContactID");
    if (contactID) {
      contact.id = contactID;
    }
    if (data.contact && typeof data.contact === "object") {
      for (var key in data.contact) {
        if (Object.prototype.hasOwnProperty.call(data.contact, key)) {
          contact[key] = data.contact[key];
        }
      }
    }
    var properties = data.properties && typeof data.properties === "object" ? data.properties : {};
    if (name === "$productViewed") {
      properties = data; // the legacy call passes the product itself
    }
    postBeacon("/REST/webTracking/v2/event", {
      brandID: brandID, eventName: name, eventID: data.eventID || uuid4(),
      eventVersion: typeof data.eventVersion === "string" ? data.eventVersion : "",
      origin: data.origin || "api", eventTime: data.eventTime || new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      properties: properties, contact: contact, visitorID: visitorID(), sessionID: sessionID(), page: page()
    });
  }

  function identify(data) {
    var given = data && typeof data === "object" ? data : {};
    var email = typeof given.email === "string" ? given.email.trim() : "";
    var phone = typeof given.phone === "string" ? given.phone.trim() : "";
    if (!EMAIL.test(email)) {
      email = "";
    }
    if (phone.indexOf("+") !== 0 && phone.indexOf("00") !== 0) {
      phone = "";
    }
    if (!email && !phone) {
      debug("identifyContact needs a valid email or an international phone");
      return Promise.resolve(null);
    }
    var url = ROOT + "/REST/inShop/v1/identifyContact?" + query({
      email: email, phone: phone, firstName: given.firstName, lastName: given.lastName,
      currentContactID: getCookie("omnisendContactID"), brandID: brandID, shopType: "custom",
      responseType: "json", visitorID: visitorID(), sessionID: sessionID()
    });
    try {
      return window.fetch(url, {method: "GET", mode: "cors", credentials: "omit", keepalive: true})
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (body) {
          var id = body && body.data && body.data.contactID;
          if (id) {
            setCookie("omnisendContactID", id, CONTACT_LIFE);
          }
          return id || null;
        })
        .catch(function (e) {
          debug("identifyContact failed", e);
          return null;
        });
    } catch (e) {
      debug("identifyContact failed", e);
      return Promise.resolve(null);
    }
  }

  function run(command) {
    if (!Array.isArray(command) || typeof command[0] !== "string") {
      debug("ignored (not a command)", command);
      return;
    }
    var name = command[0];
    if (name === "brandID" || name === "accountID") {
      if (typeof command[1] === "string" && command[1]) {
        brandID = command[1];
        var held = waiting;
        waiting = [];
        held.forEach(safeRun);
      } else {
        debug("ignored brand id", command[1]);
      }
      return;
    }
    if (!brandID) {
      waiting.push(command);
      return;
    }
    if (name === "track") {
      track(command[1], command[2]);
    } else if (name === "identifyContact") {
      identify(command[1]);
    } else {
      debug("ignored unknown command", name);
    }
  }
  function safeRun(command) {
    try {
      run(command);
    } catch (e) {
      debug("command failed", e);
    }
  }
  function isBrand(command) {
    return Array.isArray(command) && (command[0] === "brandID" || command[0] === "accountID");
  }

  var api = {
    loaded: true,
    push: function () {
      for (var i = 0; i < arguments.length; i++) {
        safeRun(arguments[i]);
      }
    },
    identifyContact: function (data) {
      try {
        if (!brandID) {
          waiting.push(["identifyContact", data]);
          return Promise.resolve(null);
        }
        return identify(data);
      } catch (e) {
        debug("identifyContact failed", e);
        return Promise.resolve(null);
      }
    }
  };

  try {
    var queued = Array.isArray(existing) ? existing.slice() : [];
    window.omnisend = api;
    queued.filter(isBrand).forEach(safeRun); // the brand first, wherever it sits in the queue
    queued.filter(function (command) { return !isBrand(command); }).forEach(safeRun);
  } catch (e) {
    debug("start failed", e);
  }
})(window, document);
