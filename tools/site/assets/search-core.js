// rfcdoc search: how entries are indexed (MiniSearch's options) and how a
// query is answered (exact symbol, section and ref matches first, then words).
// One file for both sides: the page loads it as a classic script (search.js),
// the build and the tests import it in Node (tools/site/search.ts). It sets one
// global, RfcdocSearch, and needs MiniSearch handed to it.
(function () {
  'use strict';

  // An entry of assets/search-index.js: [kind, label, detail, url, key, doc, section, begin, end].
  // key: what an exact query names (a symbol, a module's base name, a section
  // number, a requirement's first ref); doc: an index into the index's docs;
  // begin/end: the first and last line as page * 1000 + line.
  var KIND = 0, LABEL = 1, DETAIL = 2, URL = 3, KEY = 4, DOC = 5, SECTION = 6, BEGIN = 7, END = 8;

  var GROUP_NAMES = { symbol: 'Symbols', module: 'Modules', section: 'Sections', doc: 'Documents', requirement: 'Requirements', test: 'Tests', readme: 'READMEs', proposal: 'Proposals' };

  // A requirement sentence is long and there are thousands: a word in a
  // name or a heading says more than the same word in a sentence.
  var KIND_WEIGHT = { symbol: 1.4, module: 1.3, section: 1.3, doc: 1.5, requirement: 0.7, test: 1, readme: 0.8, proposal: 1 };

  // Words too common to tell entries apart. Single letters stay: "Timer A", "Timer B".
  var STOP = {};
  'the of to and in is that for it with as this on an are by be or its from at which'.split(' ').forEach(function (w) { STOP[w] = true; });

  // A word: letters and digits, joined by '.', '-' or '_' (17.1.1.2, Call-ID,
  // via.ts, max_forwards). A joined word is a term as a whole and, unless it
  // is a section number, by its parts; camelCase is split too (timerB: timerb,
  // timer, b), so "Timer B" finds timerB.
  var WORD = /[\p{L}\p{N}]+(?:[._-][\p{L}\p{N}]+)*/gu;
  var SECTION_NUMBER = /^(?:\d+|[A-Z])(?:\.\d+)+$|^\d+$/;
  function tokenize(text) {
    var out = [];
    var words = String(text).match(WORD) || [];
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      out.push(w);
      if (SECTION_NUMBER.test(w)) continue;
      var parts = w.split(/[._-]/);
      for (var j = 0; j < parts.length; j++) {
        var camel = parts[j].replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').split(' ');
        if (parts.length > 1) out.push(parts[j]);
        if (camel.length > 1) for (var k = 0; k < camel.length; k++) out.push(camel[k]);
      }
    }
    return out;
  }
  function processTerm(term) {
    var t = term.toLowerCase();
    return STOP[t] ? null : t;
  }

  // What MiniSearch is told, at indexing and at loading alike. A document is {id, e: entry}.
  function options(entries) {
    return {
      fields: ['name', 'title', 'text'],
      extractField: function (d, field) {
        if (field === 'id') return d.id;
        var e = d.e || entries[d.id];
        return field === 'name' ? e[KEY] : field === 'title' ? e[LABEL] : e[DETAIL];
      },
      tokenize: tokenize,
      processTerm: processTerm,
      searchOptions: {
        boost: { name: 4, title: 2, text: 1 },
        combineWith: 'AND',
        // Only the word being typed is a prefix, once it has two letters; no fuzzy matching (see query: only when nothing matches).
        prefix: function (term, i, terms) { return i === terms.length - 1 && term.length >= 2; },
        fuzzy: false,
        boostDocument: function (id) { return KIND_WEIGHT[entries[id][KIND]] || 1; },
      },
    };
  }

  /** An engine over the index `data` ({docs, entries}): indexed here, or loaded from `data.index` (MiniSearch's toJSON) when the build made one. */
  function create(MiniSearch, data) {
    var opts = options(data.entries);
    var ms;
    if (data.index) ms = MiniSearch.loadJS(data.index, opts);
    else {
      ms = new MiniSearch(opts);
      ms.addAll(data.entries.map(function (e, id) { return { id: id, e: e }; }));
    }
    return { ms: ms, data: data };
  }

  // `RFC 3261 §17.1.1`, `§17.1.1`, `17.1.1`, `rfc3261 P125L34`, `P125L34-P125L36`.
  var DOC_PREFIX = /^(rfc\s*\d+|draft-[a-z0-9.-]+)\s*/i;
  var SECTION_Q = /^§\s*((?:\d+|[A-Z])(?:\.\d+)*)\.?$|^((?:\d+|[A-Z])(?:\.\d+)+|\d+)\.?$/;
  var REF_Q = /^P(\d+)L(\d+)(?:-P(\d+)L(\d+))?$/i;

  /** What the query names exactly, if anything: {doc: index or -1, section} or {doc, ref, refEnd}. */
  function exactQuery(data, q) {
    var doc = -1;
    var m = DOC_PREFIX.exec(q);
    if (m) {
      var label = m[1].replace(/\s+/g, '').toLowerCase();
      for (var i = 0; i < data.docs.length; i++) if (data.docs[i][1].toLowerCase() === label) doc = i;
      if (doc < 0) return null;
      q = q.slice(m[0].length);
    }
    var s = SECTION_Q.exec(q);
    if (s) return { doc: doc, section: s[1] || s[2] };
    var r = REF_Q.exec(q);
    if (r) {
      var at = +r[1] * 1000 + +r[2];
      return { doc: doc, ref: at, refEnd: r[3] ? +r[3] * 1000 + +r[4] : at, text: 'P' + +r[1] + 'L' + +r[2] };
    }
    return null;
  }

  /** Is the line at (page * 1000 + line) kept in doc d? docs[d][3]: per page, ranges "1-48,50-51" joined by ';'. */
  function hasLine(doc, at) {
    var pages = doc[4] || (doc[4] = doc[3].split(';'));
    var page = Math.floor(at / 1000), line = at % 1000;
    var runs = pages[page - 1];
    if (!runs) return false;
    var list = runs.split(',');
    for (var i = 0; i < list.length; i++) {
      var ab = list[i].split('-');
      if (line >= +ab[0] && line <= +(ab[1] || ab[0])) return true;
    }
    return false;
  }

  /**
   * Every hit for `q`, best first, grouped by kind: [{kind, name, hits: [{e, exact, score}]}],
   * groups ordered by their best hit. Nothing is cut: the page decides how many it shows.
   * Exact matches rank above word matches: a symbol or module named as typed (case and
   * spaces aside), a section by number (then its subsections), a requirement or line by ref.
   */
  function query(engine, q) {
    var data = engine.data, entries = data.entries;
    q = String(q).trim();
    if (!q) return { groups: [], total: 0, fuzzy: false };
    var best = {};
    function add(id, tier, score) {
      var h = best[id];
      if (!h) best[id] = { e: entries[id], id: id, tier: tier, score: score };
      else if (tier > h.tier || (tier === h.tier && score > h.score)) { h.tier = tier; h.score = score; }
    }
    var extra = [];
    var ex = exactQuery(data, q);
    var i, e;
    if (ex && ex.section) {
      var child = ex.section + '.';
      for (i = 0; i < entries.length; i++) {
        e = entries[i];
        if (ex.doc >= 0 && e[DOC] !== ex.doc) continue;
        // -i keeps document order among equals.
        if (e[KIND] === 'section') {
          if (e[KEY] === ex.section) add(i, 4, -i);
          else if (e[KEY].indexOf(child) === 0) add(i, 3, -i);
        } else if (e[KIND] === 'requirement' && e[SECTION] && (e[SECTION] === ex.section || e[SECTION].indexOf(child) === 0)) add(i, 2, -i);
      }
    } else if (ex && ex.ref) {
      var innermost = {};
      for (i = 0; i < entries.length; i++) {
        e = entries[i];
        if (ex.doc >= 0 && e[DOC] !== ex.doc) continue;
        if (e[KIND] === 'requirement' && e[BEGIN] <= ex.refEnd && e[END] >= ex.ref) add(i, 4, -i);
        else if (e[KIND] === 'section' && e[BEGIN] <= ex.ref && e[END] >= ex.ref) {
          var was = innermost[e[DOC]];
          if (was === undefined || entries[was][BEGIN] <= e[BEGIN]) innermost[e[DOC]] = i;
        }
      }
      // The line itself, in each document that has it, named with its section.
      for (var d = 0; d < data.docs.length; d++) {
        if ((ex.doc >= 0 && d !== ex.doc) || !hasLine(data.docs[d], ex.ref)) continue;
        var sec = innermost[d] !== undefined ? entries[innermost[d]] : null;
        extra.push({
          e: ['section', data.docs[d][0] + ' ' + ex.text, sec ? sec[LABEL] : '', data.docs[d][2] + '#' + ex.text],
          id: -1 - d,
          tier: 3,
          score: -d,
        });
      }
    }
    var compact = q.replace(/\s+/g, '').toLowerCase();
    var fuzzy = false;
    var found = engine.ms.search(q);
    if (!found.length && !extra.length && !Object.keys(best).length) {
      // Nothing matches as typed: close spellings, said so.
      found = engine.ms.search(q, { fuzzy: function (term) { return term.length >= 4 ? 0.2 : false; } });
      fuzzy = found.length > 0;
    }
    for (i = 0; i < found.length; i++) {
      e = entries[found[i].id];
      var named = e[KEY] && String(e[KEY]).toLowerCase() === compact;
      add(found[i].id, named ? 4 : 0, found[i].score);
    }
    var hits = extra;
    for (var id in best) hits.push(best[id]);
    hits.sort(function (a, b) { return b.tier - a.tier || b.score - a.score || a.id - b.id; });
    var byKind = {}, groups = [];
    for (i = 0; i < hits.length; i++) {
      var k = hits[i].e[KIND];
      if (!byKind[k]) groups.push((byKind[k] = { kind: k, name: GROUP_NAMES[k] || k, hits: [] }));
      byKind[k].hits.push(hits[i]);
    }
    // A group's place is its best hit's: hits are sorted, so groups come in the order they were met.
    return { groups: groups, total: hits.length, fuzzy: fuzzy };
  }

  globalThis.RfcdocSearch = {
    FIELDS: { KIND: KIND, LABEL: LABEL, DETAIL: DETAIL, URL: URL, KEY: KEY, DOC: DOC, SECTION: SECTION, BEGIN: BEGIN, END: END },
    tokenize: tokenize,
    options: options,
    create: create,
    query: query,
  };
})();
