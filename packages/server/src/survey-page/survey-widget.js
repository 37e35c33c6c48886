/* global window, document, fetch, localStorage, navigator, location, setTimeout */
// omnicx on-site survey widget. Include it with your write key:
//   <script src="https://<omnicx>/survey-widget.js" data-write-key="<write key>" async></script>
// It asks omnicx on every page load (and on omnicxSurveys.track('Event Name')) whether a survey should be
// shown, applying targeting and fatigue rules on the server, and renders it one question at a time.
(function () {
  var me = document.currentScript;
  if (!me || window.omnicxSurveys) return;
  var key = me.getAttribute('data-write-key');
  var base = new URL(me.src).origin;
  function ls(k) {
    try {
      return localStorage.getItem(k);
    } catch {
      return null;
    }
  }
  function unq(v) {
    return v && v.charAt(0) === '"' ? JSON.parse(v) : v;
  }
  var aid = unq(ls('ajs_anonymous_id')) || ls('omnicx_aid');
  if (!aid) {
    aid =
      window.crypto && window.crypto.randomUUID
        ? window.crypto.randomUUID()
        : String(Date.now()) + Math.random();
    try {
      localStorage.setItem('omnicx_aid', aid);
    } catch {
      /* private mode: a new id per page */
    }
  }
  var uid = me.getAttribute('data-user-id') || unq(ls('ajs_user_id'));
  var lang = document.documentElement.lang || navigator.language;
  function post(path, body) {
    body.writeKey = key;
    return fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (j) {
        return { ok: r.ok, j: j };
      });
    });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }
  var open = false;
  function show(s) {
    open = true;
    var st = {};
    var box = el('div', {
      role: 'dialog',
      'aria-modal': 'false',
      'aria-labelledby': 'ocx-t',
      dir: s.dir,
      lang: s.language,
    });
    box.style.cssText =
      'position:fixed;bottom:16px;inset-inline-end:16px;box-sizing:border-box;max-width:360px;width:calc(100% - 32px);background:#fff;color:#1a1a1a;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.25);padding:16px;font:16px/1.5 system-ui,Tahoma,sans-serif;z-index:2147483000';
    var close = el(
      'button',
      {
        type: 'button',
        'aria-label': s.language === 'en' ? 'Close' : s.language === 'fa' ? 'بستن' : 'إغلاق',
      },
      '×',
    );
    close.style.cssText = 'float:inline-end;border:0;background:none;font-size:22px;cursor:pointer';
    close.onclick = function () {
      box.remove();
    };
    var body = el('div', {});
    box.appendChild(close);
    box.appendChild(body);
    document.body.appendChild(box);
    function render(q) {
      body.innerHTML = '';
      var fs = el('fieldset', {});
      fs.style.cssText = 'border:0;margin:0;padding:0';
      fs.appendChild(el('legend', { id: 'ocx-t' }, q.title));
      var input = null;
      if (q.points || q.choices) {
        var row = el('div', {});
        row.style.cssText = 'display:flex;flex-wrap:wrap;gap:4px;margin:8px 0';
        (q.points || q.choices).forEach(function (p) {
          var v = q.points ? String(p.value) : p.id;
          var b = el('button', { type: 'button', 'data-v': v, 'aria-pressed': 'false' }, p.label);
          b.style.cssText =
            'flex:1 0 28px;min-height:40px;border:2px solid #5f6b7a;border-radius:6px;background:#fff;cursor:pointer';
          b.onclick = function () {
            if (q.type === 'multiple_choice') {
              b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
            } else {
              send(q, q.points ? Number(v) : v);
            }
          };
          row.appendChild(b);
        });
        fs.appendChild(row);
      } else {
        input = el('textarea', {
          rows: '3',
          'aria-labelledby': 'ocx-t',
          maxlength: String(q.maxLength || 2000),
        });
        input.style.cssText = 'width:100%;box-sizing:border-box;font:inherit';
        fs.appendChild(input);
      }
      body.appendChild(fs);
      if (q.type === 'multiple_choice' || input) {
        var next = el('button', { type: 'button' }, '→');
        next.style.cssText =
          'background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:8px 16px;cursor:pointer';
        next.onclick = function () {
          var v = input
            ? input.value
            : [].slice.call(fs.querySelectorAll('[aria-pressed=true]')).map(function (b) {
                return b.getAttribute('data-v');
              });
          send(q, v);
        };
        body.appendChild(next);
      }
      var first = fs.querySelector('button,textarea');
      if (first) first.focus();
    }
    var answers = {};
    function send(q, v) {
      if (v !== '' && !(Array.isArray(v) && !v.length)) answers[q.id] = v;
      var b = { answers: answers, through: q.id, anonymousId: aid, lang: s.language, url: location.href };
      if (uid) b.userId = uid;
      if (st.responseId) {
        b.responseId = st.responseId;
        b.resumeKey = st.resumeKey;
      }
      post('/v1/surveys/' + encodeURIComponent(s.id) + '/responses', b).then(function (r) {
        if (!r.ok) return;
        st.responseId = r.j.responseId;
        if (r.j.resumeKey) st.resumeKey = r.j.resumeKey;
        if (r.j.end) {
          body.innerHTML = '';
          body.appendChild(el('p', { role: 'status', id: 'ocx-t' }, r.j.end.title));
          setTimeout(function () {
            box.remove();
          }, 4000);
          return;
        }
        s.questions.forEach(function (x) {
          if (x.id === r.j.next) render(x);
        });
      });
    }
    render(s.questions[0]);
  }
  function decide(ctx) {
    if (open || !key) return;
    ctx.anonymousId = aid;
    if (uid) ctx.userId = uid;
    ctx.lang = lang;
    post('/v1/surveys/decide', ctx).then(function (r) {
      if (r.ok && r.j.survey) show(r.j.survey);
    });
  }
  window.omnicxSurveys = {
    page: function () {
      decide({ type: 'page', url: location.href });
    },
    track: function (event) {
      decide({ type: 'event', event: event });
    },
  };
  window.omnicxSurveys.page();
})();
