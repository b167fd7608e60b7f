// The page's only script (served from /static: the Content-Security-Policy allows no inline
// script). It renders the math with the bundled KaTeX and shows, as one types, how the answer
// is read (POST /api/read, debounced). Without JavaScript the forms still work.
"use strict";

(function () {
  function renderTex(el) {
    if (typeof katex === "undefined") return;
    var tex = el.getAttribute("data-tex");
    if (tex === null) return;
    try {
      katex.render(tex, el, {
        displayMode: el.classList.contains("display"),
        throwOnError: false,
        trust: false,
        maxExpand: 200,
      });
      el.classList.add("rendered");
    } catch (e) {
      el.textContent = tex; // leave the source visible
    }
  }

  function renderAll(root) {
    var nodes = (root || document).querySelectorAll(".tex[data-tex]");
    for (var i = 0; i < nodes.length; i++) renderTex(nodes[i]);
  }

  function setupPreview() {
    var box = document.getElementById("answer");
    if (!box || !box.getAttribute("data-exercise")) return;
    var preview = document.getElementById("preview");
    var math = document.getElementById("preview-math");
    var error = document.getElementById("preview-error");
    var hint = document.getElementById("preview-hint");
    var lang = document.body.getAttribute("data-lang") || "en";
    var exercise = box.getAttribute("data-exercise");
    var timer = null;
    var sequence = 0;
    if (hint) hint.hidden = false;

    function show(readAs, message) {
      preview.hidden = !(readAs || message);
      math.textContent = "";
      error.textContent = message || "";
      if (readAs) {
        math.setAttribute("data-tex", readAs);
        renderTex(math);
      }
    }

    function ask() {
      var mine = ++sequence;
      var answer = box.value;
      if (!answer.trim()) {
        show("", "");
        return;
      }
      fetch("/api/read", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ exercise: exercise, answer: answer, lang: lang }),
        credentials: "same-origin",
      })
        .then(function (r) {
          return r.json().then(function (body) {
            return { status: r.status, body: body };
          });
        })
        .then(function (res) {
          if (mine !== sequence) return; // an older answer: a newer request is on its way
          if (res.status !== 200) {
            show("", res.body && res.body.error ? res.body.error : "");
            return;
          }
          show(res.body.read_as || "", res.body.error || "");
        })
        .catch(function () {
          /* offline or busy: the Check button still works */
        });
    }

    box.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
    if (box.value.trim()) ask();
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderAll(document);
    setupPreview();
  });
})();
