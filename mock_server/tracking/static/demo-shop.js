/*
 * The demo shop's own page code (tracking.md §7): a basket in localStorage and the calls a store makes to
 * both vendors' snippets. The snippets themselves are the vendors' code; this file is only the shop.
 */
(function (window, document) {
  "use strict";

  var shop = window.DEMO_SHOP || {};
  var BASKET = "demoShopBasket";
  var CART_ID = "demoShopCartID";
  var LAST_ORDER = "demoShopLastOrder";

  function read(key, fallback) {
    try {
      var value = window.localStorage.getItem(key);
      return value ? JSON.parse(value) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function write(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode: the basket lives for this page only */ }
  }
  function link(path) {
    return shop.prefix + path + "?" + shop.keep;
  }
  function productOf(id) {
    return (shop.products || []).filter(function (p) { return p.id === id; })[0] || null;
  }
  function lines() {
    return read(BASKET, []);
  }
  function total(items) {
    return Math.round(items.reduce(function (sum, l) { return sum + l.price * l.quantity; }, 0) * 100) / 100;
  }
  function cartID() {
    var id = read(CART_ID, null);
    if (!id) {
      id = "cart-" + Math.random().toString(16).slice(2, 10);
      write(CART_ID, id);
    }
    return id;
  }
  function lineItem(l) {
    return {productID: l.id, productTitle: l.title, productPrice: l.price, productQuantity: l.quantity,
      productVariantID: l.variantID || "", productURL: window.location.origin + link("/product/" + l.id)};
  }
  function refreshCount() {
    var count = document.getElementById("basket-count");
    if (count) {
      count.textContent = String(lines().reduce(function (n, l) { return n + l.quantity; }, 0));
    }
  }
  function omnisend(command) {
    window.omnisend = window.omnisend || [];
    window.omnisend.push(command);
  }

  var identified = null; // the last identification in flight (a promise)
  function identifyBoth(email) {
    if (!email) {
      return Promise.resolve(null);
    }
    if (window.ometria && typeof window.ometria.identify === "function") {
      window.ometria.identify(email);
    }
    if (window.omnisend && typeof window.omnisend.identifyContact === "function") {
      identified = window.omnisend.identifyContact({email: email});
    } else {
      omnisend(["identifyContact", {email: email}]);
      identified = Promise.resolve(null);
    }
    return identified;
  }

  var demoShop = {
    go: function (path) {
      window.location.href = link(path);
    },

    viewedProduct: function (id) {
      var p = productOf(id) || {id: id};
      return {eventVersion: "v4", origin: "api", properties: {product: {id: p.id, currency: shop.currency,
        price: p.price, title: p.title, url: window.location.href}}};
    },

    cartEvent: function (added) {
      var items = lines();
      var properties = {abandonedCheckoutURL: window.location.origin + link("/basket"), cartID: cartID(),
        currency: shop.currency, value: total(items), lineItems: items.map(lineItem)};
      if (added) {
        properties.addedItem = lineItem(added);
      }
      return {eventVersion: "", origin: "api", properties: properties};
    },

    sendBasket: function () {
      var items = lines();
      if (!items.length || !window.ometria || !window.ometria.Basket) {
        return;
      }
      var basket = new window.ometria.Basket();
      basket.setId(cartID());
      basket.setUrl(window.location.origin + link("/basket"));
      items.forEach(function (l) { basket.addLineItem(l.id, l.quantity, l.price * l.quantity, l.variantID); });
      basket.setTotal(total(items), shop.currency);
      window.ometria.setBasket(basket);
    },

    onAddToBasket: function (id) {
      var button = document.getElementById("add-to-basket");
      button.addEventListener("click", function () {
        var p = productOf(id);
        var items = lines();
        var line = items.filter(function (l) { return l.id === id; })[0];
        if (line) {
          line.quantity += 1;
        } else {
          line = {id: id, title: p ? p.title : id, price: p ? p.price : 0, variantID: p ? p.variantID : "", quantity: 1};
          items.push(line);
        }
        write(BASKET, items);
        refreshCount();
        omnisend(["track", "added product to cart", demoShop.cartEvent(line)]);
        window.ometria.trackAddToBasket(id, 1);
        demoShop.sendBasket();
        document.getElementById("added").textContent = "Added to your basket.";
      });
    },

    showBasket: function () {
      var target = document.getElementById("basket-lines");
      var items = lines();
      if (!items.length) {
        target.innerHTML = "<p>Your basket is empty</p>";
        return;
      }
      var table = document.createElement("table");
      table.innerHTML = "<thead><tr><th>Product</th><th>Quantity</th><th>Price</th></tr></thead>";
      var body = document.createElement("tbody");
      items.forEach(function (l) {
        var row = document.createElement("tr");
        [l.title, String(l.quantity), (l.price * l.quantity).toFixed(2) + " " + shop.currency].forEach(function (text) {
          var cell = document.createElement("td");
          cell.textContent = text;
          row.appendChild(cell);
        });
        body.appendChild(row);
      });
      table.appendChild(body);
      target.innerHTML = "";
      target.appendChild(table);
      var sum = document.createElement("p");
      sum.id = "basket-total";
      sum.textContent = "Total: " + total(items).toFixed(2) + " " + shop.currency;
      target.appendChild(sum);
    },

    onCheckout: function () {
      var email = document.getElementById("email");
      email.addEventListener("change", function () { identifyBoth(email.value.trim()); });
      document.getElementById("place-order").addEventListener("click", function () {
        var hex = Array.prototype.map.call(window.crypto.getRandomValues(new Uint8Array(4)), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
        var order = {id: "demo-" + hex, lines: lines()};
        write(LAST_ORDER, order);
        var waiting = identified || identifyBoth(email.value.trim());
        waiting.then(function () { demoShop.go("/confirmation/" + order.id); });
      });
    },

    confirm: function (orderID) {
      var order = read(LAST_ORDER, null);
      var items = order && order.id === orderID ? order.lines : [];
      omnisend(["track", "paid for order", {eventVersion: "v2", origin: "api", properties: {
        orderID: orderID, currency: shop.currency, totalPrice: total(items), lineItems: items.map(lineItem)}}]);
      window.ometria.trackTransaction(orderID);
      write(BASKET, []);
      refreshCount();
    }
  };

  window.demoShop = demoShop;
  document.addEventListener("DOMContentLoaded", refreshCount);
  refreshCount();
  var identifyButton = document.getElementById("identify");
  if (identifyButton) {
    identifyButton.addEventListener("click", function () {
      var field = document.getElementById("email");
      identifyBoth(field ? field.value.trim() : "");
    });
  }
})(window, document);
