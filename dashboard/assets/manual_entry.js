/* Tanggap manual incident entry: a click on the map chooses the incident's place.
   Plotly reports clicks only on points, so the click is read from the MapLibre map inside
   the graph and written to the ke-clicked store; the server checks it like typed
   coordinates. */
(function () {
  "use strict";
  function attach(tries) {
    var graph = document.querySelector("#ke-map .js-plotly-plot");
    var subplot = graph && graph._fullLayout && graph._fullLayout.map &&
      graph._fullLayout.map._subplot;
    var map = subplot && subplot.map;
    if (!map) {
      if (tries > 0) { window.setTimeout(function () { attach(tries - 1); }, 250); }
      return;
    }
    if (map.__tanggapEntry) { return; }
    map.__tanggapEntry = true;
    map.getCanvas().style.cursor = "crosshair";
    map.on("click", function (event) {
      window.dash_clientside.set_props("ke-clicked", {
        data: {lon: event.lngLat.lng, lat: event.lngLat.lat, at: Date.now()}
      });
    });
  }
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tanggap = Object.assign(window.dash_clientside.tanggap || {}, {
    watchEntryClicks: function (figure) {
      if (figure) { attach(40); }
      return window.dash_clientside.no_update;
    }
  });
})();
