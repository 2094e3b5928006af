/* overflow.js — injected by check.sh into a copy of the report page (the
 * report itself has no scripts): lists every element that overflows its
 * container at the window's width, and writes the list as JSON into
 * <pre id="overflow-result">. Checked: an element that scrolls
 * (scrollWidth > clientWidth with overflow auto/scroll/hidden, e.g. a cut
 * table), a box wider than or outside its parent's box, a box past the
 * viewport's right edge, and an SVG label outside its chart. */
(function () {
    var bad = [], vw = document.documentElement.clientWidth;
    function desc(e) {
        var s = e.tagName.toLowerCase();
        if (e.id) s += "#" + e.id;
        if (e.className && typeof e.className === "string") s += "." + e.className.split(" ").join(".");
        var t = (e.textContent || "").replace(/\s+/g, " ").trim().slice(0, 40);
        return s + (t ? " [" + t + "]" : "");
    }
    var all = document.body.getElementsByTagName("*");
    for (var i = 0; i < all.length; i++) {
        var e = all[i], r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        var svg = e.closest("svg");
        if (svg && svg !== e) {
            if (e.tagName.toLowerCase() !== "text") continue;
            var sr = svg.getBoundingClientRect();
            if (r.left < sr.left - 1 || r.right > sr.right + 1 || r.top < sr.top - 1 || r.bottom > sr.bottom + 1)
                bad.push("label outside its chart: " + desc(e) + " in " + desc(svg).slice(0, 60));
            continue;
        }
        var st = getComputedStyle(e);
        if (e.scrollWidth > e.clientWidth + 1 && /auto|scroll|hidden/.test(st.overflowX))
            bad.push("cut off (scrolls " + e.scrollWidth + " > " + e.clientWidth + " px): " + desc(e));
        var p = e.parentElement;
        if (p && p !== document.body && st.position !== "absolute" && st.position !== "fixed") {
            var pr = p.getBoundingClientRect();
            if (r.right > pr.right + 1 || r.left < pr.left - 1)
                bad.push("wider than its container: " + desc(e) + " (" + Math.round(r.left) + ".." +
                         Math.round(r.right) + " in " + Math.round(pr.left) + ".." + Math.round(pr.right) + ")");
        }
        if (r.right > vw + 1) bad.push("past the window's edge (" + Math.round(r.right) + " > " + vw + "): " + desc(e));
    }
    var pre = document.createElement("pre");
    pre.id = "overflow-result";
    pre.textContent = JSON.stringify({width: vw, count: bad.length, bad: bad.slice(0, 40)});
    document.body.appendChild(pre);
})();
