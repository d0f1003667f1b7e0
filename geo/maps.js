/* frontline map kit: markers, popups and time filtering for geo/maps.py.
 *
 * Every string that comes from an article (sentences, outlets, places, actors,
 * file names) reaches the page through textContent or an attribute set by
 * property, never through innerHTML. Only marker SVGs made in Python from
 * fixed tables, checked colours and numbers are given to innerHTML (divIcon),
 * and iconSvg's copy of them (review mode) from the same shapes, a colour
 * matched against #rrggbb and a number.
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
    if (!p.date) {
      return 'undated' + (p.date_precision ? ' (' + label(labels.precisions, p.date_precision) + ')' : '');
    }
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
    var reviewed = reviewText(p.review);
    if (reviewed) {
      var mark = el('div', 'fl-pop-review', reviewed);
      mark.setAttribute('data-review', String(p.review.state));
      root.appendChild(mark);
      if (p.review.note) root.appendChild(el('div', 'fl-pop-review-note', p.review.note));
    }
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
      (p.place || 'unnamed place') + ' \u00b7 ' + (p.date || 'undated') + ' \u00b7 ' + statusWord +
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
    return {stroke: false, fillColor: colour(p.colour), fillOpacity: 0.2, className: 'fl-area'};
  }

  function lineStyle() {
    return {color: '#111111', weight: 4, opacity: 0.9, className: 'fl-front'};
  }

  var SVGNS = 'http://www.w3.org/2000/svg';
  /* Bar colours of the chart, one per type (fixed: never from data). */
  var TYPE_COLOURS = {
    airstrike: '#c0392b', shelling: '#e67e22', ground_attack: '#8e44ad', clash: '#d4ac0d',
    capture: '#1e8449', withdrawal: '#2e86c1', deployment: '#5d6d7e', threat: '#a0a0a0'
  };

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  var INK = '#1b1b1b', NEUTRAL = '#5f6a6a';
  /* One marker's SVG, as geo/maps.py's _icon_svg draws it: from a fixed shape, a
   * checked colour and a number (used when review mode changes an event). */
  function iconSvg(shape, status, fill, outlets) {
    var c = (typeof fill === 'string' && /^#[0-9a-fA-F]{6}$/.test(fill)) ? fill : NEUTRAL;
    var d = (typeof shape === 'string' && /^[MLHVACZ0-9 .\-]+$/.test(shape)) ? shape : '';
    var body;
    if (status === 'reported') {
      body = '<path d="' + d + '" fill="' + c + '" stroke="' + INK + '" stroke-width="1.3"/>';
    } else if (status === 'claimed') {
      body = '<path d="' + d + '" fill="#ffffff" stroke="' + c + '" stroke-width="3"/>';
    } else if (status === 'denied') {
      body = '<path d="' + d + '" fill="#e3e3e3" stroke="' + c + '" stroke-width="2" ' +
        'stroke-dasharray="1.2 2"/><path d="M6 24L24 6" stroke="' + INK + '" stroke-width="2"/>';
    } else {
      body = '<path d="' + d + '" fill="#ffffff" stroke="' + c + '" stroke-width="2.6" ' +
        'stroke-dasharray="3.2 2.2"/>';
    }
    var n = Math.floor(Number(outlets)) || 0, badge = '';
    if (n >= 2) {
      var text = n < 10 ? String(n) : '9+';
      badge = '<circle cx="24.5" cy="5.5" r="5.5" fill="' + INK + '"/>' +
        '<text x="24.5" y="8.3" font-size="' + (text.length === 1 ? '8' : '6.5') + '" ' +
        'font-family="sans-serif" font-weight="bold" text-anchor="middle" ' +
        'fill="#ffffff">' + text + '</text>';
    }
    return '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="30" ' +
      'viewBox="0 0 30 30" stroke-linejoin="round" aria-hidden="true">' + body + badge + '</svg>';
  }

  var REVIEW_WORDS = {confirmed: 'confirmed', edited: 'corrected', added: 'added by hand'};
  /* The review state of an event: "confirmed", "edited", "added" or null. */
  function stateOf(review) {
    if (review && typeof review === 'object') return review.state || null;
    return typeof review === 'string' && review ? review : null;
  }
  function reviewClass(state) {
    return Object.prototype.hasOwnProperty.call(REVIEW_WORDS, state) ? state : 'other';
  }
  function reviewWord(state) {
    return Object.prototype.hasOwnProperty.call(REVIEW_WORDS, state) ? REVIEW_WORDS[state]
      : 'reviewed';
  }

  /* [state, who, day, note] of a reviewed event (geo/review.py), or null. */
  function reviewOf(r, str) {
    if (!r) return null;
    return { state: str(r[0]), who: r[1], date: r[2], note: r[3] };
  }

  /* "Reviewed: confirmed by ana on 2020-01-02" (text only). */
  function reviewText(review) {
    if (!review || !review.state) return null;
    return 'Reviewed: ' + review.state + (review.who ? ' by ' + review.who : '') +
      (review.date ? ' on ' + review.date : '');
  }

  /* Read the compact rows of geo/maps.py back into one object per event. */
  function decode(data) {
    var S = data.strings, F = data.fields, SF = data.source_fields;
    var at = {};
    F.forEach(function (name, i) { at[name] = i; });
    var sat = {};
    SF.forEach(function (name, i) { sat[name] = i; });
    function str(i) { return (i === null || i === undefined) ? null : S[i]; }
    return data.events.map(function (r, index) {
      var place = data.places[r[at.loc]];
      var first = r[at.first], last = r[at.last];
      var actor = str(r[at.actor]);
      var sources = (r[at.sources] || []).map(function (s) {
        var pub = s[sat.published];
        return {
          outlet: str(s[sat.outlet]), published: pub === null ? null : isoDay(pub * DAY),
          url: s[sat.url], sentence: s[sat.sentence], file: s[sat.file]
        };
      });
      var outlets = {};
      sources.forEach(function (s) { if (s.outlet) outlets[s.outlet] = true; });
      return {
        index: index, id: r[at.id], type: str(r[at.type]), status: str(r[at.status]),
        icon: r[at.icon], undated: first === null,
        start: first === null ? null : first * DAY, end: last === null ? null : last * DAY,
        date: first === null ? null : isoDay(first * DAY),
        date_end: r[at.has_end] && last !== null ? isoDay(last * DAY) : null,
        date_precision: str(r[at.date_precision]), loc: r[at.loc],
        place: place[0], lat: place[1], lon: place[2],
        geo_precision: str(r[at.geo_precision]), actor: actor,
        side: actor && Object.prototype.hasOwnProperty.call(data.sides, actor)
          ? data.sides[actor] : null,
        target: str(r[at.target]), claimed_by: str(r[at.claimed_by]),
        fatalities: r[at.fatalities], outlets: r[at.outlets], sources: sources,
        outletNames: Object.keys(outlets),
        review: reviewOf(r[at.review], str)
      };
    });
  }

  /* The most frequent value of key among events (ties: the first seen). */
  function dominant(events, key) {
    var counts = {}, best = null, bestN = 0;
    events.forEach(function (e) {
      var v = e[key] === null || e[key] === undefined ? '' : e[key];
      counts[v] = (counts[v] || 0) + 1;
      if (counts[v] > bestN) { bestN = counts[v]; best = v; }
    });
    return best;
  }

  /* A group marker: the dominant type's shape in the dominant actor's colour, the
   * count on it. Built only from fixed shapes, a checked colour and a number. */
  function groupIcon(data, events) {
    var kind = dominant(events, 'type');
    var actor = dominant(events, 'actor');
    var fill = colour(actor && Object.prototype.hasOwnProperty.call(data.colours, actor)
      ? data.colours[actor] : data.unknown_colour);
    var shape = Object.prototype.hasOwnProperty.call(data.shapes, kind)
      ? data.shapes[kind] : data.shapes.threat;
    if (!/^[MLHVACZ0-9 .\-]+$/.test(shape)) shape = '';
    var n = events.length;
    var size = Math.round(Math.min(46, 28 + 5 * Math.log(n) / Math.LN10 * 2));
    var text = n > 9999 ? '9999+' : String(n);
    var w = 6 + 5.2 * text.length;
    var svg = '<svg xmlns="' + SVGNS + '" width="' + size + '" height="' + size +
      '" viewBox="0 0 30 30" stroke-linejoin="round" aria-hidden="true">' +
      '<path d="' + shape + '" fill="' + fill + '" stroke="#1b1b1b" stroke-width="1.3"/>' +
      '<rect x="' + (15 - w / 2).toFixed(1) + '" y="10" width="' + w.toFixed(1) +
      '" height="10" rx="4" fill="#ffffff" stroke="#1b1b1b" stroke-width="0.8"/>' +
      '<text x="15" y="18" font-size="8" font-weight="bold" text-anchor="middle" ' +
      'font-family="sans-serif" fill="#1b1b1b">' + text + '</text></svg>';
    return L.divIcon({html: svg, className: 'fl-marker fl-group', iconSize: [size, size],
      iconAnchor: [size / 2, size / 2]});
  }

  function groupTooltip(data, events, names) {
    var kind = dominant(events, 'type');
    var actor = dominant(events, 'actor');
    var where = names.length === 1 ? names[0] : names.slice(0, 3).join(', ') +
      (names.length > 3 ? ' and ' + (names.length - 3) + ' more places' : '');
    return el('div', 'fl-tip', events.length + ' events at ' + (where || 'unnamed place') +
      ' \u00b7 mostly ' + label(data.text.types, kind) + ' \u00b7 mostly ' +
      (actor || 'unknown actor') + ' \u00b7 click to ' + (names.length === 1 ? 'spread' : 'zoom in'));
  }

  /* Place labels from the gazetteer: in order of importance, each one dropped
   * when its box would overlap one already placed. */
  function labelLayer(map, rows) {
    if (!map.getPane('fl-labels')) {
      var pane = map.createPane('fl-labels');
      pane.style.zIndex = 450;
      pane.style.pointerEvents = 'none';
    }
    var layer = L.layerGroup().addTo(map);
    var made = {}, shown = {};
    function marker(i) {
      if (made[i]) return made[i];
      var r = rows[i];
      var node = el('span');
      node.appendChild(el('i'));
      node.appendChild(document.createTextNode(String(r[0])));
      made[i] = L.marker([r[1], r[2]], {
        icon: L.divIcon({html: node, className: 'fl-label fl-label-c' + Number(r[5]),
          iconSize: null, iconAnchor: [0, 0]}),
        interactive: false, keyboard: false, pane: 'fl-labels'
      });
      made[i].labelName = String(r[0]);
      return made[i];
    }
    function place() {
      var z = map.getZoom();
      var size = map.getSize();
      var boxes = [], next = {};
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (z < r[3] || z > r[4]) continue;
        var pt = map.latLngToContainerPoint([r[1], r[2]]);
        if (pt.x < -100 || pt.y < -20 || pt.x > size.x + 20 || pt.y > size.y + 20) continue;
        var w = String(r[0]).length * (r[5] <= 1 ? 7.6 : 6.4) + 6;
        var box = [pt.x - w / 2, pt.y - 4, pt.x + w / 2, pt.y + 28];
        var free = true;
        for (var j = 0; j < boxes.length && free; j++) {
          var b = boxes[j];
          if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) free = false;
        }
        if (!free) continue;
        boxes.push(box);
        next[i] = true;
      }
      Object.keys(shown).forEach(function (k) { if (!next[k]) layer.removeLayer(made[k]); });
      Object.keys(next).forEach(function (k) { if (!shown[k]) layer.addLayer(marker(k)); });
      shown = next;
    }
    map.on('zoomend moveend resize', place);
    return {layer: layer, update: place,
      names: function () { return Object.keys(shown).map(function (k) { return made[k].labelName; }); }};
  }

  function fragment() {
    var out = {};
    var text = (window.location.hash || '').replace(/^#/, '');
    text.split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      if (eq < 1) return;
      try {
        out[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
      } catch (err) { /* a broken escape: ignore that part */ }
    });
    return out;
  }

  /* The event layer: events of the window in view, grouped by place; the panel; the
   * chart; the link. */
  function eventLayer(o) {
    var map = o.map, data = o.data, ids = o.ids;
    var labels = labelLayer(map, data.labels || []);
    var events = decode(data);
    var SPREAD = Number(data.spread_zoom) || 9, BIG = Number(data.big_place) || 50;
    var icons = data.icons.map(function (svg) {
      return L.divIcon({html: svg, className: 'fl-marker', iconSize: [30, 30],
        iconAnchor: [15, 15], popupAnchor: [0, -10], tooltipAnchor: [10, 0]});
    });
    var layer = L.layerGroup().addTo(map);
    var groups = L.layerGroup().addTo(map);
    var markers = [], onMap = {}, expanded = {};
    var first = Infinity, last = -Infinity;
    events.forEach(function (p) {
      if (p.undated) return;
      first = Math.min(first, p.start);
      last = Math.max(last, p.end);
    });
    var api = {
      map: map, events: events, markers: markers, labels: labels, layer: layer, groups: groups,
      typeOrder: data.type_order, labelsText: data.text, icons: icons,
      time: Infinity, windowDays: 0, slider: null, ready: false, drawn: false,
      filters: {type: '', actor: '', status: '', outlet: ''}, active: [], visible: 0
    };

    function marker(p) {
      if (markers[p.index]) return markers[p.index];
      var m = L.marker([p.lat, p.lon], {
        icon: p.icon >= 0 && icons[p.icon] ? icons[p.icon] : api.iconFor(p), riseOnHover: true});
      m.feature = {properties: p};
      m.bindPopup(function () {
        var root = eventPopup(p, data.text);
        return api.decorate ? api.decorate(p, root) : root;
      },
        {maxWidth: 380, minWidth: 220, autoPanPaddingTopLeft: L.point(60, 160)});
      m.bindTooltip(function () { return eventTooltip(p, data.text); },
        {direction: 'top', offset: [0, -10]});
      markers[p.index] = m;
      return m;
    }

    function undatedOn() { return !!(o.undated && map.hasLayer(o.undated)); }

    function passes(p, withTime) {
      var f = api.filters;
      if (f.type && p.type !== f.type) return false;
      if (f.status && p.status !== f.status) return false;
      if (f.actor && (f.actor === '?' ? p.actor !== null : p.actor !== f.actor)) return false;
      if (f.outlet && p.outletNames.indexOf(f.outlet) < 0) return false;
      if (!withTime) return true;
      if (p.undated) return undatedOn();
      var day = Math.floor(api.time / DAY) * DAY;
      var lo = api.windowDays > 0 ? day - (api.windowDays - 1) * DAY : -Infinity;
      return p.start <= day && p.end >= lo;
    }

    /* Which events are in the time window and the filters: recount, redraw. */
    function update() {
      api.active = events.filter(function (p) { return passes(p, true); });
      var dated = 0;
      api.active.forEach(function (p) { if (!p.undated) dated++; });
      api.visible = api.active.length;
      var day = Math.floor(api.time / DAY) * DAY;
      var lo = api.windowDays > 0 ? day - (api.windowDays - 1) * DAY : -Infinity;
      var range = document.getElementById(ids.range);
      if (range) {
        var from = lo === -Infinity ? first : Math.max(lo, first);
        range.textContent = isFinite(day) ? isoDay(Math.min(from, day)) + ' to ' + isoDay(day) : '';
      }
      var counter = document.getElementById(ids.count);
      if (counter) counter.textContent = String(dated);
      draw();
      chart.update();
      link.save();
    }

    /* Group the active events by place; near each other below SPREAD zoom. */
    function draw() {
      var z = map.getZoom();
      var bounds = map.getBounds().pad(0.25);
      var byLoc = {};
      api.active.forEach(function (p) {
        if (!bounds.contains([p.lat, p.lon])) return;
        (byLoc[p.loc] = byLoc[p.loc] || []).push(p);
      });
      var locs = Object.keys(byLoc).sort(function (a, b) { return byLoc[b].length - byLoc[a].length; });
      var clusters = [];
      if (z < SPREAD) {
        var R = 34, grid = {};
        locs.forEach(function (loc) {
          var p0 = byLoc[loc][0];
          var pt = map.project([p0.lat, p0.lon], z);
          var gx = Math.floor(pt.x / R), gy = Math.floor(pt.y / R), home = null;
          for (var dx = -1; dx <= 1 && !home; dx++) {
            for (var dy = -1; dy <= 1 && !home; dy++) {
              (grid[(gx + dx) + ',' + (gy + dy)] || []).forEach(function (c) {
                if (!home && c.pt.distanceTo(pt) < R) home = c;
              });
            }
          }
          if (home) {
            home.locs.push(loc);
          } else {
            var c = {pt: pt, locs: [loc]};
            clusters.push(c);
            (grid[gx + ',' + gy] = grid[gx + ',' + gy] || []).push(c);
          }
        });
      } else {
        locs.forEach(function (loc) {
          var p0 = byLoc[loc][0];
          clusters.push({pt: map.project([p0.lat, p0.lon], z), locs: [loc]});
        });
      }
      groups.clearLayers();
      var next = {};
      clusters.forEach(function (c) {
        var members = [];
        c.locs.forEach(function (loc) { members = members.concat(byLoc[loc]); });
        var single = c.locs.length === 1;
        var spread = members.length === 1 ||
          (single && z >= SPREAD && (members.length < BIG || expanded[c.locs[0]]));
        if (spread) {
          members.sort(function (a, b) { return (b.start || 0) - (a.start || 0); });
          members.forEach(function (p, k) {
            var ll = L.latLng(p.lat, p.lon);
            if (members.length > 1) {
              var r = 15 * Math.sqrt(k + 0.5), a = k * 2.39996;
              ll = map.unproject(c.pt.add(L.point(r * Math.cos(a), r * Math.sin(a))), z);
            }
            var m = marker(p);
            m.setLatLng(ll);
            next[p.index] = true;
            if (!onMap[p.index]) layer.addLayer(m);
          });
          return;
        }
        var names = c.locs.map(function (loc) { return byLoc[loc][0].place || ''; });
        var g = L.marker(map.unproject(c.pt, z), {icon: groupIcon(data, members),
          riseOnHover: true});
        g.members = members;
        g.bindTooltip(function () { return groupTooltip(data, members, names); },
          {direction: 'top', offset: [0, -14]});
        g.on('click', function () {
          if (single && z >= SPREAD) {
            expanded[c.locs[0]] = true;
            draw();
          } else if (single) {
            map.setView(g.getLatLng(), SPREAD);
          } else {
            var b = L.latLngBounds(members.map(function (p) { return [p.lat, p.lon]; }));
            map.fitBounds(b, {maxZoom: SPREAD, padding: [40, 40]});
          }
        });
        groups.addLayer(g);
      });
      Object.keys(onMap).forEach(function (k) {
        if (!next[k]) layer.removeLayer(markers[k]);
      });
      onMap = next;
      panel.update();
    }

    /* -- the panel: filters and the list of events in view -- */
    var panel = (function () {
      var root = document.getElementById(ids.panel);
      var empty = {update: function () {}, setFilters: function () {}};
      if (!root) return empty;
      L.DomEvent.disableClickPropagation(root);
      L.DomEvent.disableScrollPropagation(root);
      var list = root.querySelector('.fl-list');
      var more = root.querySelector('.fl-list-more');
      var count = root.querySelector('.fl-list-count');
      var LIMIT = 200;
      function options(select, values, all) {
        select.appendChild(new Option(all, ''));
        values.forEach(function (v) { select.appendChild(new Option(v[1], v[0])); });
      }
      function tally(key) {
        var n = {};
        events.forEach(function (p) {
          (key === 'outletNames' ? p.outletNames : [p[key]]).forEach(function (v) {
            if (v !== null && v !== undefined) n[v] = (n[v] || 0) + 1;
          });
        });
        return n;
      }
      var selects = {};
      Array.prototype.forEach.call(root.querySelectorAll('select[data-filter]'), function (s) {
        selects[s.getAttribute('data-filter')] = s;
      });
      var types = tally('type');
      options(selects.type, data.type_order.filter(function (t) { return types[t]; })
        .map(function (t) { return [t, label(data.text.types, t) + ' (' + types[t] + ')']; }), 'All types');
      var actors = tally('actor');
      var actorList = Object.keys(actors).sort(function (a, b) { return actors[b] - actors[a]; })
        .map(function (a) { return [a, a + ' (' + actors[a] + ')']; });
      var unknown = events.filter(function (p) { return p.actor === null; }).length;
      if (unknown) actorList.push(['?', 'unknown (' + unknown + ')']);
      options(selects.actor, actorList, 'All actors');
      var statuses = tally('status');
      options(selects.status, Object.keys(statuses).map(function (s) {
        return [s, label(data.text.statuses, s) + ' (' + statuses[s] + ')'];
      }), 'All statuses');
      var outlets = tally('outletNames');
      options(selects.outlet, Object.keys(outlets).sort(function (a, b) {
        return outlets[b] - outlets[a] || (a < b ? -1 : 1);
      }).map(function (s) { return [s, s + ' (' + outlets[s] + ')']; }), 'All outlets');
      Object.keys(selects).forEach(function (key) {
        selects[key].addEventListener('change', function () {
          api.filters[key] = selects[key].value;
          update();
        });
      });
      var copy = root.querySelector('button.fl-link');
      if (copy) {
        copy.addEventListener('click', function () {
          link.save(true);
          var url = window.location.href;
          if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(url).then(function () {
              copy.textContent = 'Link copied';
            }, function () { copy.textContent = 'Link in the address bar'; });
          } else {
            copy.textContent = 'Link in the address bar';
          }
        });
      }
      function rowFor(p) {
        var item = el('li');
        item.setAttribute('data-event-id', String(p.id));
        var head = el('div', 'fl-row-head', (p.date || 'undated') + ' \u00b7 ' +
          label(data.text.types, p.type) + ' \u00b7 ' + (p.place || 'unnamed place'));
        if (stateOf(p.review)) {
          head.appendChild(el('span', 'fl-row-review fl-review-' + reviewClass(stateOf(p.review)),
            ' ' + reviewWord(stateOf(p.review))));
          item.classList.add('fl-reviewed');
        }
        item.appendChild(head);
        var outs = p.outletNames.slice(0, 2).join(', ') +
          (p.outletNames.length > 2 ? ' +' + (p.outletNames.length - 2) : '');
        item.appendChild(el('div', 'fl-row-meta', (p.actor || 'unknown actor') + ' \u00b7 ' +
          label(data.text.statuses, p.status) + (outs ? ' \u00b7 ' + outs : '')));
        item.addEventListener('click', function () { api.openEvent(p.id); });
        return item;
      }
      return {
        update: function () {
          var b = map.getBounds();
          var inView = api.active.filter(function (p) { return b.contains([p.lat, p.lon]); });
          inView.sort(function (a, c) {
            return (c.start === null ? -1 : c.start) - (a.start === null ? -1 : a.start) ||
              (a.id < c.id ? -1 : 1);
          });
          while (list.firstChild) list.removeChild(list.firstChild);
          var frag = document.createDocumentFragment();
          inView.slice(0, LIMIT).forEach(function (p) { frag.appendChild(rowFor(p)); });
          list.appendChild(frag);
          count.textContent = '(' + inView.length + ')';
          more.textContent = inView.length > LIMIT
            ? 'The latest ' + LIMIT + ' of ' + inView.length + ' are listed: zoom in or filter to see the others.'
            : (inView.length ? '' : 'No event in view: move the map, the date or the filters.');
          api.listed = inView.length;
        },
        setFilters: function () {
          Object.keys(selects).forEach(function (key) {
            var v = api.filters[key] || '';
            var ok = Array.prototype.some.call(selects[key].options, function (op) { return op.value === v; });
            api.filters[key] = ok ? v : '';
            selects[key].value = api.filters[key];
          });
        }
      };
    })();

    /* -- the chart of events per day or week by type, and dates under the slider -- */
    var chart = {
      svg: null, ticks: null, update: function () {}, reset: function () {},
      attach: function (slider) {
        if (!slider || !slider.container || !isFinite(first)) return;
        var input = slider._timeSlider;
        var box = el('div', 'fl-chart-box');
        slider.container.insertBefore(box, input);
        var ticksBox = el('div', 'fl-ticks-box');
        if (input.nextSibling) slider.container.insertBefore(ticksBox, input.nextSibling);
        else slider.container.appendChild(ticksBox);
        var start = slider.start, end = slider.end;
        var span = Math.max(DAY, end - start);
        var bin = span > 120 * DAY ? 7 * DAY : DAY;
        var drawnKey = null, shade = null;
        chart.reset = function () { drawnKey = null; };
        chart.update = function () {
          var width = Math.max(120, input.offsetWidth);
          var H = 34;
          var x = function (t) { return (t - start) / span * width; };
          var day = Math.floor(api.time / DAY) * DAY;
          var lo = api.windowDays > 0 ? day - (api.windowDays - 1) * DAY : start;
          function place(rect) {
            if (!isFinite(day)) return;
            rect.setAttribute('x', String(Math.max(0, x(lo))));
            rect.setAttribute('width', String(Math.max(2, x(day + DAY) - Math.max(0, x(lo)))));
          }
          /* the bars depend on the filters and the width only: while the slider moves,
           * only the shading of the window in view moves */
          var key = JSON.stringify(api.filters) + '|' + width;
          if (key === drawnKey && shade) { place(shade); return; }
          drawnKey = key;
          var bins = Math.max(1, Math.ceil((span + DAY) / bin));
          var stacks = [];
          for (var i = 0; i < bins; i++) stacks.push({});
          var max = 1;
          events.forEach(function (p) {
            if (p.undated || !passes(p, false)) return;
            var k = Math.min(bins - 1, Math.max(0, Math.floor((p.start - start) / bin)));
            stacks[k][p.type] = (stacks[k][p.type] || 0) + 1;
          });
          stacks.forEach(function (s) {
            var t = 0;
            Object.keys(s).forEach(function (k) { t += s[k]; });
            max = Math.max(max, t);
          });
          var svg = svgEl('svg', {class: 'fl-chart', width: width, height: H, role: 'img',
            'aria-label': 'Events per ' + (bin === DAY ? 'day' : 'week') + ' by type'});
          shade = svgEl('rect', {x: 0, y: 0, width: 0, height: H, fill: '#dfe9f1'});
          place(shade);
          svg.appendChild(shade);
          var bw = Math.max(1, width / bins - (width / bins > 3 ? 1 : 0));
          stacks.forEach(function (s, k) {
            var y = H;
            data.type_order.forEach(function (t) {
              if (!s[t]) return;
              var h = s[t] / max * (H - 2);
              y -= h;
              var r = svgEl('rect', {x: (k / bins * width).toFixed(1), y: y.toFixed(1),
                width: bw.toFixed(1), height: Math.max(0.5, h).toFixed(1),
                fill: TYPE_COLOURS[t] || '#7f8c8d'});
              var title = svgEl('title');
              title.textContent = isoDay(start + k * bin) + ': ' + s[t] + ' ' +
                label(data.text.types, t);
              r.appendChild(title);
              svg.appendChild(r);
            });
          });
          var old = box.firstChild;
          if (old) box.replaceChild(svg, old); else box.appendChild(svg);
          chart.svg = svg;
          var ticks = svgEl('svg', {class: 'fl-ticks', width: width, height: 14});
          var months = span > 3 * 365 * DAY ? 12 : span > 400 * DAY ? 3 : 1;
          var d = new Date(start);
          var cursor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
          if (span < 45 * DAY) {
            for (var t = start; t <= end; t += 7 * DAY) tick(t, isoDay(t).slice(5));
          } else {
            for (; cursor <= end; ) {
              var cd = new Date(cursor);
              tick(cursor, cd.getUTCMonth() === 0 ? String(cd.getUTCFullYear())
                : isoDay(cursor).slice(0, 7));
              cursor = Date.UTC(cd.getUTCFullYear(), cd.getUTCMonth() + months, 1);
            }
          }
          function tick(t, text) {
            var px = x(t);
            if (px < 0 || px > width - 10) return;
            ticks.appendChild(svgEl('line', {x1: px, x2: px, y1: 0, y2: 3, stroke: '#555'}));
            var node = svgEl('text', {x: px + 1, y: 12, 'font-size': 9, fill: '#333',
              'font-family': 'sans-serif'});
            node.textContent = text;
            ticks.appendChild(node);
          }
          // drop tick labels that would overlap
          var lastEnd = -Infinity;
          Array.prototype.slice.call(ticks.querySelectorAll('text')).forEach(function (n) {
            var px = Number(n.getAttribute('x'));
            if (px < lastEnd + 4) { n.parentNode.removeChild(n); return; }
            lastEnd = px + n.textContent.length * 5;
          });
          var oldTicks = ticksBox.firstChild;
          if (oldTicks) ticksBox.replaceChild(ticks, oldTicks); else ticksBox.appendChild(ticks);
          chart.ticks = ticks;
          box.style.paddingLeft = ticksBox.style.paddingLeft = input.offsetLeft + 'px';
          box.style.textAlign = ticksBox.style.textAlign = 'left';
        };
        window.addEventListener('resize', function () { chart.update(); });
        chart.update();
      }
    };

    /* -- the link: date, window, filters and view in the URL fragment -- */
    var link = {
      enabled: false,
      save: function (force) {
        if (!link.enabled && !force) return;
        var c = map.getCenter();
        var parts = [];
        if (isFinite(api.time)) parts.push('date=' + isoDay(api.time));
        if (api.windowDays) parts.push('window=' + api.windowDays);
        ['type', 'actor', 'status', 'outlet'].forEach(function (k) {
          if (api.filters[k]) parts.push(k + '=' + encodeURIComponent(api.filters[k]));
        });
        if (undatedOn()) parts.push('undated=1');
        parts.push('lat=' + c.lat.toFixed(4), 'lon=' + c.lng.toFixed(4), 'zoom=' + map.getZoom());
        if (api.review) parts.unshift('token=' + encodeURIComponent(api.review.token));
        var hash = '#' + parts.join('&');
        if (window.location.hash !== hash && window.history && window.history.replaceState) {
          window.history.replaceState(null, '', hash);
        }
      },
      restore: function () {
        var f = fragment();
        ['type', 'actor', 'status', 'outlet'].forEach(function (k) {
          api.filters[k] = typeof f[k] === 'string' ? f[k] : '';
        });
        panel.setFilters();
        api.setWindow(['1', '7', '30'].indexOf(f.window) >= 0 ? f.window : 0, true);
        if (f.undated === '1' && o.undated && !map.hasLayer(o.undated)) map.addLayer(o.undated);
        var lat = parseFloat(f.lat), lon = parseFloat(f.lon), zoom = parseInt(f.zoom, 10);
        if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
          map.setView([lat, lon], isFinite(zoom) ? zoom : map.getZoom(), {animate: false});
        }
        var t = /^\d{4}-\d{2}-\d{2}$/.test(f.date || '') ? Date.parse(f.date + 'T00:00:00Z') : NaN;
        if (isFinite(t) && api.slider) {
          api.slider.setTime(Math.min(api.slider.end, Math.max(api.slider.start, t)));
        }
        return Object.keys(f).length > 0;
      }
    };

    /* -- review mode: events changed in place (see review() below) -- */
    var iconIndex = {};
    data.icons.forEach(function (svg, i) { iconIndex[svg] = i; });
    var reviewIcons = {};
    var nextIndex = events.length;
    function colourOf(actor) {
      return actor && Object.prototype.hasOwnProperty.call(data.colours, actor)
        ? data.colours[actor] : data.unknown_colour;
    }
    /* The marker icon of an event: one of the page's own when the look is the same. */
    api.iconFor = function (p) {
      var shape = Object.prototype.hasOwnProperty.call(data.shapes, p.type)
        ? data.shapes[p.type] : data.shapes.threat;
      var svg = iconSvg(shape, p.status, colourOf(p.actor), p.outlets);
      var reviewed = stateOf(p.review) ? reviewClass(stateOf(p.review)) : '';
      if (!reviewed && Object.prototype.hasOwnProperty.call(iconIndex, svg)) {
        return icons[iconIndex[svg]];
      }
      var key = reviewed + '|' + svg;
      if (!reviewIcons[key]) {
        reviewIcons[key] = L.divIcon({html: svg,
          className: 'fl-marker' + (reviewed ? ' fl-reviewed fl-reviewed-' + reviewed : ''),
          iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -10], tooltipAnchor: [10, 0]});
      }
      return reviewIcons[key];
    };
    function locFor(name, lat, lon) {
      for (var i = 0; i < data.places.length; i++) {
        var q = data.places[i];
        if (q[0] === name && Math.abs(q[1] - lat) < 1e-6 && Math.abs(q[2] - lon) < 1e-6) return i;
      }
      data.places.push([name, lat, lon]);
      return data.places.length - 1;
    }
    function day(text) {
      var t = typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text)
        ? Date.parse(text + 'T00:00:00Z') : NaN;
      return isFinite(t) ? t : null;
    }
    function has(props, key) { return Object.prototype.hasOwnProperty.call(props, key); }
    /* Take an event as the server gives it (the properties of events.geojson, with
     * review, reviewed_at and, for a new one, lat and lon) into the page. */
    api.putEvent = function (props, where, quiet) {
      if (!props || typeof props.id !== 'string') return null;
      var p = events.find(function (e) { return e.id === props.id; });
      if (props.review === 'rejected') { if (p) api.removeEvent(p.id, quiet); return null; }
      var lat = Number(props.lat), lon = Number(props.lon);
      if (!(isFinite(lat) && isFinite(lon) && props.lat !== null && props.lon !== null)) {
        lat = where ? where.lat : (p ? p.lat : NaN);
        lon = where ? where.lng : (p ? p.lon : NaN);
      }
      if (!isFinite(lat) || !isFinite(lon)) return null;
      var fresh = !p;
      if (fresh) {
        p = {index: nextIndex++, id: props.id, sources: [], outletNames: [], outlets: 1};
        events.push(p);
      }
      ['type', 'status', 'date_precision', 'geo_precision', 'actor', 'target', 'claimed_by',
        'place'].forEach(function (key) {
        if (has(props, key)) p[key] = props[key] === undefined ? null : props[key];
      });
      if (has(props, 'review')) {
        /* the shape decode() gives: state, who, day, note */
        var at = typeof props.reviewed_at === 'string' ? props.reviewed_at : null;
        p.review = stateOf(props.review) ? {state: stateOf(props.review),
          who: typeof props.reviewed_by === 'string' ? props.reviewed_by : null,
          date: at ? at.slice(0, 10) : null,
          note: typeof props.review_note === 'string' ? props.review_note : null} : null;
      }
      if (has(props, 'fatalities')) {
        p.fatalities = typeof props.fatalities === 'number' ? props.fatalities : null;
      }
      if (has(props, 'date') || fresh) {
        var start = day(props.date), end = day(props.date_end);
        p.undated = start === null;
        p.start = start;
        p.end = start === null ? null : Math.max(start, end === null ? start : end);
        p.date = start === null ? null : isoDay(start);
        p.date_end = start !== null && end !== null ? isoDay(end) : null;
      }
      if (Array.isArray(props.sources)) {
        p.sources = props.sources.map(function (s) {
          return {outlet: s.outlet || null, published: typeof s.published === 'string'
            ? s.published.slice(0, 10) : null, url: s.url || null, sentence: s.sentence || '',
            file: s.file || null};
        });
        var names = {};
        p.sources.forEach(function (s) { if (s.outlet) names[s.outlet] = true; });
        p.outletNames = Object.keys(names);
      }
      if (typeof props.corroboration === 'number') p.outlets = props.corroboration;
      p.side = p.actor && Object.prototype.hasOwnProperty.call(data.sides, p.actor)
        ? data.sides[p.actor] : null;
      if (fresh || p.lat !== lat || p.lon !== lon || data.places[p.loc][0] !== p.place) {
        p.lat = lat;
        p.lon = lon;
        p.loc = locFor(p.place, lat, lon);
      }
      p.icon = -1;
      var icon = api.iconFor(p);
      var m = markers[p.index];
      if (m) {
        m.setIcon(icon);
        m.setLatLng([p.lat, p.lon]);
        if (m.isPopupOpen()) m.getPopup().update();
      } else {
        marker(p).setIcon(icon);
      }
      if (!quiet) { chart.reset(); update(); }
      return p;
    };
    api.removeEvent = function (id, quiet) {
      var at = -1;
      events.forEach(function (e, i) { if (e.id === id) at = i; });
      if (at < 0) return false;
      var p = events[at];
      events.splice(at, 1);
      var m = markers[p.index];
      if (m) {
        m.closePopup();
        layer.removeLayer(m);
        delete markers[p.index];
      }
      delete onMap[p.index];
      if (!quiet) { chart.reset(); update(); }
      return true;
    };

    api.update = update;
    api.draw = draw;
    api.chart = chart;
    api.link = link;
    api.setWindow = function (days, quiet) {
      api.windowDays = Math.max(0, Number(days) || 0);
      var select = document.getElementById(ids.window);
      if (select) select.value = String(api.windowDays);
      if (!quiet) update();
    };
    api.setFilter = function (key, value) {
      api.filters[key] = value || '';
      panel.setFilters();
      update();
    };
    api.visibleMarkers = function () { return api.visible; };
    /* Show one event's own marker (zooming to SPREAD at most, spreading its place). */
    api.reveal = function (id) {
      var p = events.find(function (e) { return e.id === id; });
      if (!p) return null;
      if (!passes(p, true)) {
        api.filters = {type: '', actor: '', status: '', outlet: ''};
        panel.setFilters();
        if (p.undated && o.undated) map.addLayer(o.undated);
        if (!p.undated && api.slider && p.end > api.time) api.slider.setTime(p.end);
        update();
      }
      expanded[p.loc] = true;
      map.setView([p.lat, p.lon], Math.max(map.getZoom(), SPREAD), {animate: false});
      draw();
      return markers[p.index];
    };
    api.openEvent = function (id) {
      var m = api.reveal(id);
      if (m) m.openPopup();
      Array.prototype.forEach.call(document.querySelectorAll('.fl-list li.fl-active'),
        function (n) { n.classList.remove('fl-active'); });
      return m;
    };
    api.shownMarkers = function () {
      return Object.keys(onMap).map(function (k) { return markers[k]; });
    };
    if (o.timeline) {
      o.timeline.on('change', function () {
        api.time = o.timeline.time;
        update();
      });
    }
    if (o.undated) {
      o.undated.on('add remove', function () {
        var box = document.getElementById(ids.undated);
        if (box) box.checked = undatedOn();
        update();
      });
      var box = document.getElementById(ids.undated);
      if (box) {
        box.addEventListener('change', function () {
          if (box.checked) map.addLayer(o.undated); else map.removeLayer(o.undated);
        });
      }
    }
    map.on('moveend', function () { draw(); link.save(); });
    var select = document.getElementById(ids.window);
    if (select) {
      select.addEventListener('change', function () { api.setWindow(select.value); });
      L.DomEvent.disableClickPropagation(select);
    }
    return api;
  }

  /* Open at the last day with everything shown, or at the view the link names;
   * fold the panels on a phone; say when all is drawn. */
  function finish(api, slider, end, view, map) {
    var narrow = window.innerWidth < 700;
    if (view && view.bounds && map) {
      /* no animation: a zoom still running would swallow the view a link asks for */
      map.fitBounds(view.bounds, narrow
        ? {paddingTopLeft: [20, 90], paddingBottomRight: [20, 160], maxZoom: view.maxZoom,
          animate: false}
        : {paddingTopLeft: view.paddingTopLeft, paddingBottomRight: view.paddingBottomRight,
          maxZoom: view.maxZoom, animate: false});
    }
    if (slider && end !== null) slider.setTime(end);
    if (narrow) {
      Array.prototype.forEach.call(document.querySelectorAll(
        '.fl-legend details, .fl-side details'), function (d) { d.open = false; });
    }
    var folds = document.querySelectorAll('.fl-legend details, .fl-side details');
    Array.prototype.forEach.call(folds, function (d) {
      d.addEventListener('toggle', function () {
        if (!d.open || window.innerWidth >= 700) return;
        Array.prototype.forEach.call(folds, function (o) { if (o !== d) o.open = false; });
      });
    });
    if (api) settle(api, slider);
  }

  function settle(api, slider) {
    api.slider = slider;
    api.chart.attach(slider);
    if (api.time === Infinity) api.update();
    if (api.link.restore()) api.update();
    review(api);
    api.link.enabled = true;
    window.addEventListener('hashchange', function () { if (api.link.restore()) api.update(); });
    api.labels.update();
    api.draw();
    api.ready = true;
    window.requestAnimationFrame(function () { api.drawn = true; });
  }


  /* -- review mode: only on a page served by `frontline serve` with its token ------------
   *
   * The token comes in the URL fragment (#token=...), which the browser never sends
   * to a server; every write carries it in the X-Frontline-Token header. Without a
   * token (a saved map, a file:// page) nothing here runs and the map is unchanged. */
  var REVIEW_CSS = [
    '.fl-review{margin-top:6px;padding-top:6px;border-top:1px solid #ccc}',
    '.fl-review-state{font-size:11px;color:#444;margin-bottom:4px}',
    '.fl-review button{margin:0 4px 4px 0;font-size:12px;cursor:pointer}',
    '.fl-review form{display:grid;grid-template-columns:auto 1fr;gap:3px 6px;',
    'align-items:center;font-size:12px;margin-top:4px}',
    '.fl-review form input,.fl-review form select{font-size:12px;min-width:0}',
    '.fl-review form .fl-review-actions{grid-column:1 / 3}',
    '.fl-review-msg{color:#b03a2e;font-size:12px;min-height:0}',
    '.fl-review-msg:empty{display:none}',
    '.fl-reviewed svg{filter:drop-shadow(0 0 2px #117a65) drop-shadow(0 0 1px #117a65)}',
    '.fl-row-review{font-weight:normal;color:#117a65;font-size:11px}',
    '.fl-review-bar{background:#fff;padding:4px 6px;border-radius:4px;font:12px sans-serif;',
    'box-shadow:0 1px 4px rgba(0,0,0,.3)}',
    '.fl-review-bar button{font-size:12px;cursor:pointer}',
    '.fl-adding .leaflet-container,.leaflet-container.fl-adding{cursor:crosshair}',
    /* on a phone the header spans the top: the button goes below it */
    '@media (max-width:699px){.leaflet-right .fl-review-bar{margin-top:100px}}'
  ].join('');
  var TOKEN_RE = /^[A-Za-z0-9_\-]{16,200}$/;
  var DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

  function review(api) {
    if (!api || !/^https?:$/.test(window.location.protocol)) return null;
    var token = fragment().token;
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
    var map = api.map;
    var data = {types: [], statuses: []};
    var labels = api.labelsText || {};
    var state = {
      token: token, client: 'page-' + Math.random().toString(36).slice(2, 12),
      pendingReload: false, reloads: 0, adding: false, sent: 0, source: null
    };
    api.review = state;
    var style = el('style');
    style.textContent = REVIEW_CSS;
    document.head.appendChild(style);
    data.types = api.typeOrder || [];
    data.statuses = Object.keys(labels.statuses || {});

    function send(path, body) {
      state.sent++;
      return fetch(path, {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: {'Content-Type': 'application/json', 'X-Frontline-Token': token,
          'X-Frontline-Client': state.client},
        body: JSON.stringify(body || {})
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) throw new Error(j && j.error ? String(j.error) : 'HTTP ' + r.status);
          return j;
        });
      });
    }

    function field(form, name, text, input) {
      var id = 'fl-rv-' + name + '-' + Math.random().toString(36).slice(2, 8);
      var lab = el('label', null, text);
      lab.htmlFor = id;
      input.id = id;
      input.name = name;
      form.appendChild(lab);
      form.appendChild(input);
      return input;
    }
    function textInput(value, placeholder) {
      var input = el('input');
      input.type = 'text';
      input.value = value === null || value === undefined ? '' : String(value);
      if (placeholder) input.placeholder = placeholder;
      return input;
    }
    function choice(values, current, words) {
      var select = el('select');
      values.forEach(function (v) { select.appendChild(new Option(label(words, v), v)); });
      if (current && values.indexOf(current) < 0) select.appendChild(new Option(current, current));
      select.value = current || values[0] || '';
      return select;
    }
    /* What a change answered: the event as it now is, and the events that left the map. */
    function applied(j, at) {
      (j && Array.isArray(j.removed) ? j.removed : []).forEach(function (id) {
        if (typeof id === 'string') api.removeEvent(id);
      });
      return j && j.event ? api.putEvent(j.event, at || null) : null;
    }

    /* A reload the server pushes waits while a review form is open in a popup. */
    function formOpen() { return !!document.querySelector('.leaflet-popup-content form'); }
    function formClosed() {
      window.setTimeout(function () {
        if (state.pendingReload && !formOpen()) reloadNow();
      }, 0);
    }
    map.on('popupclose', formClosed);
    function actions(form, submitText, cancel) {
      var box = el('div', 'fl-review-actions');
      var ok = el('button', 'fl-review-submit', submitText);
      ok.type = 'submit';
      var no = el('button', 'fl-review-cancel', 'Cancel');
      no.type = 'button';
      no.addEventListener('click', cancel);
      box.appendChild(ok);
      box.appendChild(no);
      form.appendChild(box);
      return ok;
    }
    function nullable(value) {
      var v = String(value).trim();
      return v === '' ? null : v;
    }

    /* The controls under a popup: Confirm, Reject (asks a reason), Edit. */
    api.decorate = function (p, root) {
      var box = el('div', 'fl-review');
      var review = p.review && typeof p.review === 'object' ? p.review : null;
      box.appendChild(el('div', 'fl-review-state', review && review.state
        ? 'Reviewed: ' + reviewWord(review.state) + (review.who ? ' by ' + review.who : '') +
          (review.date ? ' on ' + review.date : '')
        : 'Not reviewed yet'));
      var buttons = el('div', 'fl-review-buttons');
      var msg = el('div', 'fl-review-msg');
      var slot = el('div');
      function button(cls, text, run) {
        var b = el('button', cls, text);
        b.type = 'button';
        b.addEventListener('click', run);
        buttons.appendChild(b);
        return b;
      }
      function fail(err) { msg.textContent = 'Not saved: ' + (err && err.message || err); }
      function openForm(form) {
        while (slot.firstChild) slot.removeChild(slot.firstChild);
        slot.appendChild(form);
        buttons.style.display = 'none';
        var first = form.querySelector('input, select');
        if (first) first.focus();
      }
      function closeForm() {
        while (slot.firstChild) slot.removeChild(slot.firstChild);
        buttons.style.display = '';
        formClosed();
      }
      button('fl-review-confirm', 'Confirm', function () {
        msg.textContent = '';
        send('/api/events/' + encodeURIComponent(p.id) + '/confirm', {}).then(applied, fail);
      });
      button('fl-review-reject', 'Reject\u2026', function () {
        msg.textContent = '';
        var form = el('form', 'fl-review-reject-form');
        var reason = field(form, 'reason', 'Reason', textInput('', 'why is this wrong?'));
        reason.required = true;
        reason.maxLength = 500;
        actions(form, 'Reject event', closeForm);
        form.addEventListener('submit', function (ev) {
          ev.preventDefault();
          if (!reason.value.trim()) { msg.textContent = 'Give a reason.'; return; }
          send('/api/events/' + encodeURIComponent(p.id) + '/reject',
            {reason: reason.value.trim()}).then(function (j) {
            closeForm();
            api.removeEvent(p.id);
            applied(j);
          }, fail);
        });
        openForm(form);
      });
      button('fl-review-edit', 'Edit\u2026', function () {
        msg.textContent = '';
        var form = el('form', 'fl-review-edit-form');
        var inputs = {
          type: field(form, 'type', 'Type', choice(data.types, p.type, labels.types)),
          date: field(form, 'date', 'Date', textInput(p.date, 'YYYY-MM-DD')),
          date_end: field(form, 'date_end', 'Until', textInput(p.date_end, 'YYYY-MM-DD')),
          place: field(form, 'place', 'Place', textInput(p.place)),
          actor: field(form, 'actor', 'Actor', textInput(p.actor)),
          target: field(form, 'target', 'Target', textInput(p.target)),
          status: field(form, 'status', 'Status', choice(data.statuses, p.status, labels.statuses))
        };
        actions(form, 'Save', closeForm);
        form.addEventListener('submit', function (ev) {
          ev.preventDefault();
          var changes = {};
          Object.keys(inputs).forEach(function (k) {
            var v = k === 'type' || k === 'status' ? inputs[k].value : nullable(inputs[k].value);
            var old = p[k] === undefined ? null : p[k];
            if (v !== old) changes[k] = v;
          });
          if (changes.date === null) { msg.textContent = 'Give a date.'; return; }
          if (changes.date && !DATE_RE.test(changes.date)) {
            msg.textContent = 'The date is written YYYY-MM-DD.'; return;
          }
          if (changes.date_end && !DATE_RE.test(changes.date_end)) {
            msg.textContent = 'The end date is written YYYY-MM-DD.'; return;
          }
          if (!Object.keys(changes).length) { closeForm(); return; }
          send('/api/events/' + encodeURIComponent(p.id) + '/edit', changes).then(function (j) {
            closeForm();
            applied(j);
          }, fail);
        });
        openForm(form);
      });
      box.appendChild(buttons);
      box.appendChild(slot);
      box.appendChild(msg);
      root.appendChild(box);
      return root;
    };

    /* Adding: a button switches it on; the next click on the map opens the form there. */
    var bar = L.control({position: 'topright'});
    bar.onAdd = function () {
      var node = el('div', 'fl-review-bar');
      var b = el('button', 'fl-review-add', 'Add an event');
      b.type = 'button';
      b.title = 'Then click the map where it happened';
      b.addEventListener('click', function () { setAdding(!state.adding); });
      node.appendChild(b);
      state.addButton = b;
      L.DomEvent.disableClickPropagation(node);
      return node;
    };
    bar.addTo(map);
    function setAdding(on) {
      state.adding = !!on;
      state.addButton.textContent = on ? 'Click the map\u2026 (cancel)' : 'Add an event';
      var box = map.getContainer();
      if (on) box.classList.add('fl-adding'); else box.classList.remove('fl-adding');
    }
    map.on('click', function (ev) {
      if (!state.adding) return;
      setAdding(false);
      addForm(ev.latlng);
    });
    function addForm(at) {
      var root = el('div', 'fl-pop fl-review fl-review-add-form');
      root.appendChild(el('div', 'fl-pop-title', 'A new event at ' + at.lat.toFixed(4) + ', ' +
        at.lng.toFixed(4)));
      var form = el('form');
      var today = isFinite(api.time) ? isoDay(api.time) : '';
      var inputs = {
        type: field(form, 'type', 'Type', choice(data.types, data.types[0], labels.types)),
        date: field(form, 'date', 'Date', textInput(today, 'YYYY-MM-DD')),
        place: field(form, 'place', 'Place', textInput('', 'name (optional)')),
        actor: field(form, 'actor', 'Actor', textInput('')),
        target: field(form, 'target', 'Target', textInput('')),
        status: field(form, 'status', 'Status', choice(data.statuses, 'reported', labels.statuses)),
        source: field(form, 'source', 'Source', textInput('', 'URL, or article and sentence'))
      };
      inputs.source.required = true;
      var msg = el('div', 'fl-review-msg');
      var popup = L.popup({maxWidth: 380, minWidth: 240}).setLatLng(at).setContent(root);
      var closed = false;
      function close() {
        if (closed) return;
        closed = true;
        map.closePopup(popup);
      }
      popup.on('remove', function () { closed = true; });
      actions(form, 'Add event', close);
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var body = {type: inputs.type.value, status: inputs.status.value,
          lat: Math.round(at.lat * 1e5) / 1e5, lon: Math.round(at.lng * 1e5) / 1e5};
        ['date', 'place', 'actor', 'target', 'source'].forEach(function (k) {
          var v = nullable(inputs[k].value);
          if (v !== null) body[k] = v;
        });
        if (!body.date || !DATE_RE.test(body.date)) {
          msg.textContent = 'The date is written YYYY-MM-DD.'; return;
        }
        if (!body.source) { msg.textContent = 'Name the source.'; return; }
        send('/api/events', body).then(function (j) {
          close();
          var p = applied(j, at);
          if (p) api.openEvent(p.id);
        }, function (err) { msg.textContent = 'Not saved: ' + (err && err.message || err); });
      });
      root.appendChild(form);
      root.appendChild(msg);
      popup.openOn(map);
      L.DomEvent.disableClickPropagation(root);
      inputs.type.focus();
    }

    /* The review state of every event, then the pushes of the server. */
    function loadReviews() {
      return fetch('/api/events?reviewed=1', {cache: 'no-store', credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.json() : {events: []}; })
        .then(function (j) {
          var known = {};
          api.events.forEach(function (e) { known[e.id] = e; });
          var changed = 0;
          (j.events || []).forEach(function (e) {
            if (!e || typeof e.id !== 'string') return;
            var mine = known[e.id];
            if (!mine || stateOf(e.review) || stateOf(mine.review)) {
              if (api.putEvent(e, null, true) || mine) changed++;
            }
          });
          if (changed) { api.chart.reset(); api.update(); }
          state.loaded = true;
        }, function () { state.loaded = true; });
    }
    function reloadNow() {
      state.reloads++;
      api.link.save(true);
      window.location.reload();
    }
    function pushed(message) {
      var m;
      try { m = JSON.parse(message.data); } catch (err) { return; }
      if (!m || m.kind !== 'reload') return;
      var clients = Array.isArray(m.clients) ? m.clients : [];
      /* a review reload: only for pages that did not make all the changes it took in */
      if (m.reason === 'review' && !clients.some(function (c) { return c !== state.client; })) {
        return;
      }
      if (formOpen()) { state.pendingReload = true; return; }
      reloadNow();
    }
    if (window.EventSource) {
      state.source = new EventSource('/api/events/stream');
      state.source.onmessage = pushed;
      window.addEventListener('beforeunload', function () { state.source.close(); });
    }
    loadReviews();
    return state;
  }

  return {
    el: el, isoDay: isoDay, safeUrl: safeUrl, eventPopup: eventPopup, iconSvg: iconSvg,
    eventTooltip: eventTooltip, placeLayer: placeLayer, placePopup: placePopup,
    areaTooltip: areaTooltip, areaStyle: areaStyle, lineStyle: lineStyle,
    eventLayer: eventLayer, finish: finish
  };
})();
