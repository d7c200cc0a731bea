/* Tanggap live pages: unpack compact figures; flash and sound the wall's alerts. */
(function () {
  "use strict";
  var TYPED = {
    f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
    u2: Uint16Array, i4: Int32Array, u4: Uint32Array
  };

  // A Plotly typed-array spec {dtype, bdata} as a plain array, which Dash patches can index.
  function decode(spec) {
    var binary = atob(spec.bdata);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return Array.prototype.slice.call(new TYPED[spec.dtype](bytes.buffer));
  }

  function plain(value) {
    if (Array.isArray(value)) { return value.map(plain); }
    if (value && typeof value === "object") {
      if (typeof value.bdata === "string" && TYPED[value.dtype]) { return decode(value); }
      var out = {};
      Object.keys(value).forEach(function (key) { out[key] = plain(value[key]); });
      return out;
    }
    return value;
  }

  // Two falling tones, three times: generated here, so nothing is downloaded.
  function beep(context) {
    var start = context.currentTime + 0.05;
    for (var n = 0; n < 3; n++) {
      [[880, 0], [660, 0.22]].forEach(function (tone) {
        var oscillator = context.createOscillator();
        var gain = context.createGain();
        var at = start + n * 0.6 + tone[1];
        oscillator.frequency.value = tone[0];
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + 0.22);
      });
    }
  }

  // Resolves true if the browser let us play (autoplay allowed, or a user gesture earlier).
  function playAlertSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return Promise.resolve(false); }
    var context = window.tanggapAudio || (window.tanggapAudio = new Context());
    var resumed = context.state === "running" ? Promise.resolve() : context.resume();
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 400); });
    return Promise.race([resumed, timeout]).then(function () {
      if (context.state !== "running") { return false; }
      beep(context);
      return true;
    }, function () { return false; });
  }

  function locale(page) { return page.language === "en" ? "en-GB" : "id-ID"; }

  // "14:05:09 WIB": a moment in the city's zone, whatever the browser's own zone.
  function cityTime(moment, page) {
    var options = {timeZone: page.timezone, hour: "2-digit", minute: "2-digit",
                   second: "2-digit", hour12: false};
    return moment.toLocaleTimeString(locale(page), options).replace(/\./g, ":") + " " + page.zone;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    tanggap: {
      unpack: function (packed, current) {
        if (!packed || !packed.data) { return window.dash_clientside.no_update; }
        var layout = packed.layout || (current && current.layout) || {};
        return {data: plain(packed.data), layout: layout};
      },
      alert: function (alert) {
        if (!alert || !alert.lines || !alert.lines.length) {
          return window.dash_clientside.no_update;
        }
        var banner = document.getElementById("wall-alert");
        var page = document.getElementById("wall-page");
        banner.textContent = alert.lines.join("  •  ");
        banner.classList.add("show");
        page.classList.remove("flash");
        void page.offsetWidth;  // restart the animation for a second alert
        page.classList.add("flash");
        clearTimeout(window.tanggapAlertTimer);
        window.tanggapAlertTimer = setTimeout(function () {
          banner.classList.remove("show");
          page.classList.remove("flash");
        }, 12000);
        return playAlertSound().then(function (played) {
          document.body.dataset.alertSound = played ? "played" : "blocked";
          return {seq: alert.seq, sound: played ? "played" : "blocked"};
        });
      },
      clock: function (n, page) {
        if (!page) { return window.dash_clientside.no_update; }
        var now = new Date();
        var day = {timeZone: page.timezone, weekday: "long", day: "numeric", month: "long",
                   year: "numeric"};
        return [cityTime(now, page), now.toLocaleDateString(locale(page), day)];
      },
      // The stale notice: when the last answered tick (or the page's load) is older than
      // page.stale_after_ms, "data not updated since <that time>". Arrivals are stamped by
      // this browser's clock, so it needs no server and no agreement between clocks.
      staleness: function (n, fresh, seen, page) {
        var nothing = window.dash_clientside.no_update;
        if (!page) { return [nothing, nothing, nothing]; }
        var now = new Date();
        var triggered = (window.dash_clientside.callback_context.triggered || [])
          .map(function (t) { return t.prop_id; });
        var arrived = fresh && triggered.some(function (id) { return /-fresh\.data$/.test(id); });
        if (arrived || !seen) {
          return [{at_ms: now.getTime(), since: cityTime(now, page)}, "", "stale-banner"];
        }
        if (now.getTime() - seen.at_ms <= page.stale_after_ms) {
          return [nothing, "", "stale-banner"];
        }
        return [nothing, page.stale_words.replace("{since}", seen.since), "stale-banner show"];
      }
    }
  });
})();
