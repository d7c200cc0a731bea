/* Tanggap map clicks: a click on an empty place of a page's map (not on one of its
   points) is written to that page's "<prefix>-clicked" store, as {lon, lat, at}. Plotly
   reports clicks only on points, so the click is read from the MapLibre map inside the
   graph "<prefix>-map"; the page's clientside callback writes "<prefix>-watch". The server
   checks the place like typed coordinates (manual entry, the planner's map). */
(function () {
  "use strict";
  function onPlotlyPoint(map, event) {
    return map.queryRenderedFeatures(event.point).some(function (feature) {
      return feature.layer && String(feature.layer.id).indexOf("plotly-trace-layer") === 0 &&
        feature.layer.type === "circle";
    });
  }
  function attach(prefix, tries) {
    var graph = document.querySelector("#" + prefix + "-map .js-plotly-plot");
    var subplot = graph && graph._fullLayout && graph._fullLayout.map &&
      graph._fullLayout.map._subplot;
    var map = subplot && subplot.map;
    if (!map) {
      if (tries > 0) { window.setTimeout(function () { attach(prefix, tries - 1); }, 250); }
      return;
    }
    if (map.__tanggapClicks) { return; }
    map.__tanggapClicks = true;
    map.getCanvas().style.cursor = "crosshair";
    map.on("click", function (event) {
      if (onPlotlyPoint(map, event)) { return; }  // Plotly's own clickData answers that
      window.dash_clientside.set_props(prefix + "-clicked", {
        data: {lon: event.lngLat.lng, lat: event.lngLat.lat, at: Date.now()}
      });
    });
  }
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tanggap = Object.assign(window.dash_clientside.tanggap || {}, {
    watchMapClicks: function (figure) {
      var output = window.dash_clientside.callback_context.outputs_list;
      var prefix = String((output && output.id) || "").replace(/-watch$/, "");
      if (figure && prefix) { attach(prefix, 40); }
      return window.dash_clientside.no_update;
    }
  });
})();
