/* frontline map kit: markers, popups and time filtering for geo/maps.py.
 *
 * Every string that comes from an article (sentences, outlets, places, actors,
 * file names) reaches the page through textContent or an attribute set by
 * property, never through innerHTML. Only marker SVGs made in Python from
 * fixed tables, checked colours and numbers are given to innerHTML (divIcon).
 * Nothing here touches Leaflet (L) until a function is called.
 */
window.frontlineKit = (function () {
  'use strict';
  var DAY = 86400000;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isoDay(ms) {
    var t = Number(ms);
    return isFinite(t) ? new Date(t).toISOString().slice(0, 10) : '';
  }

  function safeUrl(url) {
    return (typeof url === 'string' && /^https?:\/\/[^\s<>"']+$/i.test(url)) ? url : null;
  }

  function row(table, label, value) {
    if (value === undefined || value === null || value === '') return;
    var tr = el('tr');
    tr.appendChild(el('th', null, label));
    tr.appendChild(el('td', null, value));
    table.appendChild(tr);
  }

  function label(table, key) {
    return (table && Object.prototype.hasOwnProperty.call(table, key)) ? table[key] : key;
  }

  function dateText(p, labels) {
    var text = p.date + (p.date_end && p.date_end !== p.date ? ' to ' + p.date_end : '');
    if (p.date_precision) text += ' (' + label(labels.precisions, p.date_precision) + ')';
    return text;
  }

  function placeText(p, labels) {
    var geo = p.geo_precision ? label(labels.geo, p.geo_precision) : '';
    return (p.place || 'unnamed place') + (geo ? ' (' + geo + ')' : '');
  }

  function outletsText(n) {
    return n + (n === 1 ? ' outlet' : ' independent outlets');
  }

  function eventPopup(p, labels) {
    var root = el('div', 'fl-pop');
    root.setAttribute('data-event-id', String(p.id));
    root.appendChild(el('div', 'fl-pop-title',
      label(labels.types, p.type) + ' \u2014 ' + (p.place || 'unnamed place')));
    var facts = el('table');
    row(facts, 'Date', dateText(p, labels));
    row(facts, 'Place', placeText(p, labels));
    row(facts, 'Actor', p.actor || 'unknown');
    row(facts, 'Target', p.target);
    row(facts, 'Status', label(labels.statuses, p.status));
    var claim = p.status === 'claimed' || p.status === 'unconfirmed';
    row(facts, claim ? 'Claimed by' : 'On the word of', p.claimed_by);
    row(facts, 'Fatalities', p.fatalities === null || p.fatalities === undefined
      ? 'not reported' : String(p.fatalities));
    row(facts, 'Reported by', outletsText(p.outlets));
    root.appendChild(facts);
    var list = el('ol', 'fl-pop-sources');
    (p.sources || []).forEach(function (s) {
      var item = el('li', 'fl-source');
      var name = s.outlet || s.file || 'article';
      var url = safeUrl(s.url);
      var head = el('div', 'fl-src-head');
      if (url) {
        var link = el('a', 'fl-src-link', name);
        link.href = url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer nofollow';
        head.appendChild(link);
      } else {
        head.appendChild(el('span', 'fl-src-outlet', name));
      }
      if (s.published) head.appendChild(el('span', 'fl-src-meta', ' \u00b7 ' + s.published));
      item.appendChild(head);
      item.appendChild(el('blockquote', 'fl-src-sentence', s.sentence || ''));
      if (s.file && s.file !== name) item.appendChild(el('div', 'fl-src-meta', s.file));
      list.appendChild(item);
    });
    root.appendChild(list);
    return root;
  }

  function eventTooltip(p, labels) {
    var statusWord = p.status === 'reported' ? 'reported'
      : p.status === 'claimed' ? 'claimed' + (p.claimed_by ? ' by ' + p.claimed_by : '')
      : p.status === 'unconfirmed' ? 'unconfirmed claim' : label(labels.statuses, p.status);
    return el('div', 'fl-tip', label(labels.types, p.type) + ' \u00b7 ' +
      (p.place || 'unnamed place') + ' \u00b7 ' + p.date + ' \u00b7 ' + statusWord +
      ' \u00b7 ' + outletsText(p.outlets));
  }

  function placePopup(p) {
    var root = el('div', 'fl-pop');
    root.appendChild(el('div', 'fl-pop-title', p.name || 'unnamed place'));
    var n = (p.articles || []).length;
    root.appendChild(el('div', null, 'No event placed here; named in ' + n +
      (n === 1 ? ' article:' : ' articles:')));
    var list = el('ul');
    (p.articles || []).forEach(function (a) { list.appendChild(el('li', null, a)); });
    root.appendChild(list);
    return root;
  }

  function placeLayer(group, places) {
    places.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], {
        radius: 4, color: '#6c7a89', weight: 1.5, fillColor: '#ffffff', fillOpacity: 0.9,
        className: 'fl-place'
      })
        .bindPopup(function () { return placePopup(p); })
        .bindTooltip(function () { return el('div', 'fl-tip', p.name || 'unnamed place'); })
        .addTo(group);
    });
  }

  function areaTooltip(p, what) {
    var head = p.side ? (what + ' ' + p.side) : what;
    var span = (p.from || 'the start') + ' to ' + (p.to || 'the end');
    return el('div', 'fl-tip', head + ' \u00b7 ' + span);
  }

  function colour(c) {
    return (typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c)) ? c : '#7f8c8d';
  }

  function areaStyle(p) {
    /* no stroke: a side's area is drawn as several cells, which must read as one */
    return {stroke: false, fillColor: colour(p.colour), fillOpacity: 0.22, className: 'fl-area'};
  }

  function lineStyle() {
    return {color: '#111111', weight: 4, opacity: 0.9, className: 'fl-front'};
  }

  /* The event layer: every marker is made once; a time change, a change of the
   * window, or a type layer switched on or off adds and removes markers from one
   * cluster group. */
  function eventLayer(o) {
    var map = o.map;
    var features = o.data.features;
    var icons = o.icons.map(function (svg) {
      return L.divIcon({html: svg, className: 'fl-marker', iconSize: [30, 30],
        iconAnchor: [15, 15], popupAnchor: [0, -10], tooltipAnchor: [10, 0]});
    });
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
      chunkedLoading: false, removeOutsideVisibleBounds: true
    }).addTo(map);
    var markers = features.map(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var marker = L.marker([c[1], c[0]], {icon: icons[p.icon] || icons[0], riseOnHover: true});
      marker.feature = f;
      marker.bindPopup(function () { return eventPopup(p, o.labels); },
        {maxWidth: 380, minWidth: 220, autoPanPaddingTopLeft: L.point(60, 160)});
      marker.bindTooltip(function () { return eventTooltip(p, o.labels); },
        {direction: 'top', offset: [0, -10]});
      return marker;
    });
    var shown = markers.map(function () { return false; });
    var first = Infinity;
    features.forEach(function (f) { first = Math.min(first, f.properties.start); });
    var api = {
      map: map, cluster: cluster, markers: markers, timeline: o.timeline,
      time: Infinity, windowDays: 0, slider: null, ready: false, drawn: false
    };

    function update() {
      var day = Math.floor(api.time / DAY) * DAY;
      var lo = api.windowDays > 0 ? day - (api.windowDays - 1) * DAY : -Infinity;
      var add = [], remove = [], count = 0;
      for (var i = 0; i < markers.length; i++) {
        var p = features[i].properties;
        var group = o.groups[p.type];
        var on = (!group || map.hasLayer(group)) && p.start <= day && p.end >= lo;
        if (on) count++;
        if (on !== shown[i]) {
          (on ? add : remove).push(markers[i]);
          shown[i] = on;
        }
      }
      if (remove.length) cluster.removeLayers(remove);
      if (add.length) cluster.addLayers(add);
      var range = document.getElementById(o.ids.range);
      if (range) {
        var from = lo === -Infinity ? first : Math.max(lo, first);
        range.textContent = isFinite(day) ? isoDay(Math.min(from, day)) + ' to ' + isoDay(day) : '';
      }
      var counter = document.getElementById(o.ids.count);
      if (counter) counter.textContent = String(count);
      api.visible = count;
    }

    api.update = update;
    api.setWindow = function (days) {
      api.windowDays = Math.max(0, Number(days) || 0);
      var select = document.getElementById(o.ids.window);
      if (select) select.value = String(api.windowDays);
      update();
    };
    api.visibleMarkers = function () { return cluster.getLayers().length; };
    o.timeline.on('change', function () {
      api.time = o.timeline.time;
      update();
    });
    Object.keys(o.groups).forEach(function (key) {
      o.groups[key].on('add remove', update);
    });
    var select = document.getElementById(o.ids.window);
    if (select) {
      select.addEventListener('change', function () { api.setWindow(select.value); });
      L.DomEvent.disableClickPropagation(select);
    }
    return api;
  }

  /* Open at the last day, everything shown; say when all markers are in. */
  function finish(api, slider, end) {
    if (slider && end !== null) slider.setTime(end);
    if (api) {
      api.slider = slider;
      if (api.windowDays === 0 && api.time === Infinity) api.update();
      api.ready = true;
      window.requestAnimationFrame(function () { api.drawn = true; });
    }
  }

  return {
    el: el, isoDay: isoDay, safeUrl: safeUrl, eventPopup: eventPopup,
    eventTooltip: eventTooltip, placeLayer: placeLayer, placePopup: placePopup,
    areaTooltip: areaTooltip, areaStyle: areaStyle, lineStyle: lineStyle,
    eventLayer: eventLayer, finish: finish
  };
})();
