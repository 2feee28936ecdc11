/*
 * Ometria tag stand-in, served by the sandbox at /tags/<account>.js (tracking.md §4).
 *
 * The page keeps Ometria's own calls (ometria.init, identify, setBasket, trackTransaction, ...); only the
 * script host changes. Every hit is an image beacon to /track/v3/<account>/event.gif on the host this
 * file was loaded from (a POST beacon when the URL would be too long). Events raised before `init` are
 * held and sent right after its page view. It never throws into the page and never logs above
 * console.debug.
 */
(function (window, document) {
  "use strict";

  var COOKIE = "ometria";
  var COOKIE_LIFE = 365 * 86400;
  var SESSION_TIMEOUT = 1800;
  var MAX_URL = 6000;
  var PAGE_TYPES = ["homepage", "listing", "product", "basket", "checkout", "confirmation", "search", "account",
    "other"];
  var ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  function debug() {
    try {
      if (window.console && typeof window.console.debug === "function") {
        window.console.debug.apply(window.console, ["[ometria stand-in]"].concat([].slice.call(arguments)));
      }
    } catch (e) { /* never surface */ }
  }

  var existing = window.ometria;
  if (existing && existing._standIn === true) {
    return; // loaded twice
  }

  // -- where to send hits: the origin and account hash of this file's own src --------------------------
  function findSrc() {
    if (document.currentScript && document.currentScript.src) {
      return document.currentScript.src;
    }
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if ((scripts[i].src || "").indexOf("/tags/") >= 0) {
        return scripts[i].src;
      }
    }
    return "";
  }
  var SRC = findSrc();
  var ROOT = window.location.origin;
  var HASH = "";
  try {
    var parsed = new URL(SRC, window.location.href);
    ROOT = parsed.origin;
    HASH = decodeURIComponent(parsed.pathname.split("/tags/").pop().replace(/\.js$/, ""));
  } catch (e) {
    debug("cannot read own src", e);
  }

  // -- the cookie: "2_" + form data of cid, sid, slt, nses, npv, osts, uiid, bskt, tids -------------
  function cookieDomain() {
    var host = window.location.hostname;
    if (!host || host === "localhost" || /^[\d.]+$/.test(host) || host.indexOf(":") >= 0) {
      return "";
    }
    return "; domain=." + host.replace(/^www\./, "");
  }
  function readCookie() {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + "=") === 0) {
        var value = decodeURIComponent(parts[i].slice(COOKIE.length + 1));
        if (value.indexOf("2_") === 0) {
          var out = {};
          new URLSearchParams(value.slice(2)).forEach(function (v, k) { out[k] = v; });
          return out;
        }
      }
    }
    return {};
  }
  function writeCookie() {
    var form = new URLSearchParams();
    ["cid", "sid", "slt", "nses", "npv", "osts", "uiid", "bskt", "tids"].forEach(function (key) {
      if (state[key] !== undefined && state[key] !== null) {
        form.set(key, String(state[key]));
      }
    });
    document.cookie = COOKIE + "=" + encodeURIComponent("2_" + form.toString()) + "; max-age=" + COOKIE_LIFE +
      "; path=/; SameSite=Lax" + cookieDomain();
  }

  function randomText(length) {
    var out = "";
    var bytes = window.crypto && window.crypto.getRandomValues ?
      window.crypto.getRandomValues(new Uint8Array(length)) : null;
    for (var i = 0; i < length; i++) {
      out += ALNUM.charAt((bytes ? bytes[i] : Math.floor(Math.random() * 256)) % ALNUM.length);
    }
    return out;
  }
  function now() {
    return Math.floor(Date.now() / 1000);
  }

  var state = readCookie();
  var cnew = false;
  var snew = false;
  if (!state.cid) {
    state.cid = randomText(16);
    state.osts = now();
    cnew = true;
  }
  function touchSession() {
    var last = parseInt(state.slt || "0", 10);
    if (!state.sid || now() - last > SESSION_TIMEOUT) {
      var count = (parseInt(state.nses || "0", 10) + 1);
      var counter = ("00" + (count % 1000)).slice(-3);
      state.sid = (HASH.slice(0, 3) + HASH.slice(-3) + "xxxxxx").slice(0, 6) + counter + randomText(12);
      state.nses = count;
      state.npv = 0;
      snew = true;
    }
    state.slt = now();
  }
  touchSession();
  writeCookie();

  // -- transport ------------------------------------------------------------------------------------
  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary);
  }

  var site = null;
  function send(type, channel, data) {
    try {
      touchSession();
      var hit = {
        type: type, channel: channel, d: data || {}, cid: state.cid, sid: state.sid, uiid: state.uiid || null,
        url: window.location.href, rurl: document.referrer, site: site, npv: state.npv, nses: state.nses,
        cnew: cnew, snew: snew, ts: Date.now()
      };
      writeCookie();
      var params = "data=" + encodeURIComponent(base64(JSON.stringify(hit))) + "&rnd=" + randomText(6) +
        "&enc=UTF-8";
      var url = ROOT + "/track/v3/" + encodeURIComponent(HASH) + "/event.gif";
      if ((url + "?" + params).length <= MAX_URL) {
        new Image().src = url + "?" + params;
      } else if (!(navigator.sendBeacon && navigator.sendBeacon(url, params))) {
        window.fetch(url, {method: "POST", mode: "no-cors", keepalive: true, body: params}).catch(function () {});
      }
    } catch (e) {
      debug("hit not sent", e);
    }
  }

  // -- held events: everything before init waits for init's page view ----------------------------------
  var initialised = false;
  var held = [];
  function emit(type, channel, data) {
    if (initialised) {
      send(type, channel, data);
    } else {
      held.push([type, channel, data]);
    }
  }
  function merge(target, extra) {
    if (extra && typeof extra === "object") {
      for (var key in extra) {
        if (Object.prototype.hasOwnProperty.call(extra, key)) {
          target[key] = extra[key];
        }
      }
    }
    return target;
  }
  function guard(name, body) {
    return function () {
      try {
        return body.apply(this, arguments);
      } catch (e) {
        debug(name + " failed", e);
        return undefined;
      }
    };
  }

  // -- the basket ----------------------------------------------------------------------------------
  function Basket() {
    this.id = null;
    this.url = null;
    this.total = 0;
    this.currency = null;
    this.lineItems = [];
    this.properties = null;
    this.data = null;
  }
  Basket.prototype.addLineItem = guard("addLineItem", function (pid, quantity, total, vid, props) {
    if (pid === undefined || pid === null) {
      debug("addLineItem needs a product id");
      return this;
    }
    this.lineItems.push({pid: String(pid), vid: vid === undefined ? null : vid, q: parseInt(quantity, 10) || 1,
      tot: parseFloat(total) || 0, p: props || null});
    return this;
  });
  Basket.prototype.setTotal = guard("setTotal", function (total, currency) {
    this.total = parseFloat(total) || 0;
    this.currency = currency || null;
    return this;
  });
  Basket.prototype.setId = guard("setId", function (id) { this.id = id; return this; });
  Basket.prototype.setUrl = guard("setUrl", function (url) { this.url = url; return this; });
  Basket.prototype.setURL = Basket.prototype.setUrl;
  Basket.prototype.setProperties = guard("setProperties", function (p) { this.properties = p; return this; });
  Basket.prototype.setData = guard("setData", function (obj) { this.data = obj; return this; });

  var pageType = null;
  var pageData = {};
  var lastBasket = null;

  var methods = {
    _standIn: true,
    Basket: Basket,

    init: guard("init", function (type, data, storeId) {
      if (initialised) {
        return;
      }
      var start = function () {
        if (initialised) {
          return;
        }
        site = typeof storeId === "string" ? storeId : null;
        methods.pageview(window.location.href, type, data);
        initialised = true;
        var waiting = held;
        held = [];
        waiting.forEach(function (event) { send(event[0], event[1], event[2]); });
        if (typeof window.onOmetriaLoaded === "function") {
          try {
            window.onOmetriaLoaded();
          } catch (e) {
            debug("onOmetriaLoaded failed", e);
          }
        }
      };
      if (document.body) {
        start();
      } else {
        document.addEventListener("DOMContentLoaded", guard("init", start));
      }
    }),

    pageview: guard("pageview", function (url, type, data) {
      var kind = type === "landing" ? "homepage" : type;
      pageType = PAGE_TYPES.indexOf(kind) >= 0 ? kind : "other";
      pageData = data && typeof data === "object" ? data : {};
      state.npv = parseInt(state.npv || "0", 10) + 1;
      send("pageview", "page", merge({type: pageType, rurl: document.referrer, url: url || window.location.href},
        pageData));
    }),

    identify: guard("identify", function (email, profile) {
      if (typeof email !== "string" || !(/\S+@\S+\.\S+/.test(email) || email.indexOf("omid:") === 0)) {
        debug("identify ignored: not an email or omid", email);
        return;
      }
      var identity = email.trim();
      if (state.uiid === identity && !profile) {
        return; // same identity again: nothing new to say
      }
      if (state.uiid && state.uiid !== identity) {
        state.cid = randomText(16); // a different person on this browser: a new visitor
        cnew = true;
      }
      state.uiid = identity;
      writeCookie();
      emit("identify", "page", {uiid: identity, profile: profile || null});
    }),

    setProfileData: guard("setProfileData", function (profile) {
      if (!state.uiid) {
        debug("setProfileData ignored: not identified");
        return;
      }
      emit("profile", "page", {uiid: state.uiid, profile: profile || {}});
    }),

    setBasket: guard("setBasket", function (basket) {
      if (!basket || !Array.isArray(basket.lineItems)) {
        debug("setBasket needs an ometria.Basket");
        return;
      }
      lastBasket = basket;
      var size = 0;
      basket.lineItems.forEach(function (item) { size += item.q; });
      var signature = size + "|" + basket.total;
      if (state.bskt === signature) {
        return; // unchanged since the last one sent
      }
      state.bskt = signature;
      writeCookie();
      var data = {id: basket.id, url: basket.url, total: basket.total, cur: basket.currency, size: size,
        lis: basket.lineItems};
      if (basket.properties) {
        data.properties = basket.properties;
      }
      emit("setbasket", "page", merge(data, basket.data));
    }),

    getBasket: guard("getBasket", function () { return lastBasket; }),

    trackAddToBasket: guard("trackAddToBasket", function (pid, quantity, data) {
      emit("addtobasket", "page", merge({pid: pid, q: quantity === undefined ? 1 : quantity}, data));
    }),

    trackCheckout: guard("trackCheckout", function (stage, data) {
      emit("checkout", "page", merge({stage: stage}, data));
    }),

    trackTransaction: guard("trackTransaction", function (orderId, data) {
      if (orderId === undefined || orderId === null || orderId === "") {
        debug("trackTransaction needs an order id");
        return;
      }
      state.tids = state.tids ? state.tids + "," + orderId : String(orderId);
      writeCookie();
      emit("transaction", "page", merge({tid: orderId}, data));
    }),

    viewProduct: guard("viewProduct", function (pid) {
      emit("viewproduct", "page", {pid: pid});
    }),

    track: guard("track", function (type, data, callback) {
      if (typeof type !== "string" || !type) {
        debug("track needs an event type");
        return;
      }
      emit(type, "custom", data && typeof data === "object" ? data : {});
      if (typeof callback === "function") {
        window.setTimeout(guard("track callback", callback), 250);
      }
    }),

    setPageType: guard("setPageType", function (type) { pageType = type; }),
    setPageData: guard("setPageData", function (data) { pageData = data || {}; }),
    linkSession: guard("linkSession", function () { /* cross-domain session linking: nothing to link offline */ }),

    observeEmailInputs: guard("observeEmailInputs", function (selector) {
      var inputs = document.querySelectorAll(selector || "input[type=email]");
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].addEventListener("change", guard("observeEmailInputs", function (event) {
          methods.identify(event.target.value);
        }));
      }
    }),

    getIdentity: guard("getIdentity", function () { return state.uiid || null; }),
    isNewVisitor: guard("isNewVisitor", function () { return cnew; }),
    _debug: guard("_debug", function () {
      return {sessionId: state.sid, cookieId: state.cid, userIdentity: state.uiid || null,
        extra: {pageType: pageType, pageData: pageData, nses: state.nses, npv: state.npv, account: HASH}};
    })
  };

  try {
    // A page that defined window.ometria first (raw_data, a queue) keeps its object; the methods join it.
    var target = existing && typeof existing === "object" ? existing : {};
    var queue = Array.isArray(target.q) ? target.q.slice() : [];
    merge(target, methods);
    target.q = [];
    window.ometria = target;
    queue.forEach(function (call) {
      if (Array.isArray(call) && typeof methods[call[0]] === "function") {
        methods[call[0]].apply(target, call.slice(1));
      } else {
        debug("ignored queued call", call);
      }
    });
  } catch (e) {
    debug("start failed", e);
  }
})(window, document);
