#!/usr/bin/env python3
"""Generate Tollgate text-format oracle cases (bodies + MANIFEST.tsv; predictions for EXPECTED_3X.tsv).
Usage: make_text_cases.py OUT_DIR [PREDICTIONS.json]
Each case: (name, body bytes, content-type or '-', note, pred_242, pred_3x, note_3x)
pred_242: what the reference document predicts for Prometheus 2.42 ("accept"/"reject"/"?")."""
import os, sys, math, json

OUT = sys.argv[1]
T = "text/plain; version=0.0.4; charset=utf-8"
OM = "application/openmetrics-text; version=1.0.0; charset=utf-8"

def gofmt_g(f):
    """Go strconv.FormatFloat(f, 'g', -1, 64)."""
    if math.isnan(f): return "NaN"
    if math.isinf(f): return "+Inf" if f > 0 else "-Inf"
    r = repr(f)  # shortest round-trip digits
    m, _, e = r.partition("e")
    sign = ""
    if m.startswith("-"): sign, m = "-", m[1:]
    ip, _, fp = m.partition(".")
    digits = (ip + fp).lstrip("0")
    # decimal exponent of first significant digit
    if f == 0: return sign + "0"
    e = int(e) if e else 0
    if ip.strip("0"):
        exp = len(ip.lstrip("0")) - 1 + e
    else:
        exp = -(len(fp) - len(fp.lstrip("0"))) - 1 + e
    digits = digits.rstrip("0") or "0"
    # Go, shortest mode: eprec = 6
    eprec = 6
    if exp < -4 or exp >= eprec:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, mant, "-" if exp < 0 else "+", abs(exp))
    # %f form
    if exp >= 0:
        if len(digits) <= exp + 1:
            return sign + digits + "0" * (exp + 1 - len(digits))
        return sign + digits[:exp + 1] + "." + digits[exp + 1:]
    return sign + "0." + "0" * (-exp - 1) + digits

def go_parse_float(s):
    """Go strconv.ParseFloat subset used by 3.x normalization (decimal, inf/nan, hex w/ p, underscores)."""
    t = s
    try:
        low = t.lower()
        body = low.lstrip("+-")
        if body in ("inf", "infinity"): return float(("-" if low.startswith("-") else "") + "inf")
        if body == "nan":
            return float("nan") if low == "nan" else None
        if "_" in t:
            if "__" in t or t.startswith("_") or t.endswith("_"): return None
            t = t.replace("_", "")
        if body.startswith("0x"):
            return float.fromhex(t)
        if t.strip() != t or not t: return None
        v = float(t)
        if math.isinf(v): return None
        return v
    except Exception:
        return None

def om_norm(v):
    f = go_parse_float(v)
    if f is None: return v
    if f == 0: return "0.0"
    s = gofmt_g(f)
    if s in ("NaN", "+Inf", "-Inf"): return s
    if "." not in s and "e" not in s: s += ".0"
    return s

cases = []
def C(name, body, ct=T, note="", p242="accept", p3="=", n3=""):
    if isinstance(body, str): body = body.encode("utf-8")
    if p3 == "=": p3 = p242
    cases.append((name, body, ct, note, p242, p3, n3))

# ---- section 4: line kinds ------------------------------------------------
C("blank-lines", "\n  \n\t\na 1\n\n \t \nb 2\n", note="blank lines (spaces/tabs only) are ignored")
C("nul-at-line-start", b"a 1\n\x00b 2\nthis is { garbage\n", note="NUL where a line starts = end of input; rest ignored, a kept")
C("nul-mid-line", b"a 1\x00\n", note="NUL inside the value token: float parse fails", p242="reject")
C("no-final-newline", b"a 1\nb 2", note="final LF is optional (parser appends one)")
C("comments-not-metadata", "#HELP a some help\n# HELP\n# TYPE\n# UNIT a_seconds seconds\na 1\n# EOF\n# anything { \" here =\nb 2\n",
  note="all comments: #HELP without blank, # HELP / # TYPE with nothing after, # UNIT, # EOF (b after it still parsed), free text")
C("help-blank-no-name", "# HELP \na 1\n", note="# HELP + blank + no name: error", p242="reject")
C("comment-leading-blanks", " \t# HELP a help\n  # TYPE a gauge\n\t# plain\na 1\n", note="leading blanks before # are harmless")
C("comment-odd-bytes", b"# bad \xff\xfe bytes\n# a\x00b\n# with CR\r\na 1\n", note="comments may hold invalid UTF-8, a NUL (not at line start) and a CR")
C("meta-tab-separators", "#\tHELP\ta\thelp text\n#\tTYPE\ta\tgauge\na 1\n", note="tabs as the blanks around HELP/TYPE")
# ---- HELP ------------------------------------------------------------------
C("help-text-forms", "# HELP a x\\\\y \\n z \\\" q \\t\n# HELP b\n# HELP c   \t\na 1\n", note="HELP with escapes, with no text, with only blanks after the name (metadata not visible here; must parse)")
C("help-text-after-first-char", "# HELP a.b help\na 1\n", note="name a, text = 'b help' (first char after name dropped, whatever it is)")
C("help-invalid-utf8", b"# HELP a bad \xff\na 1\n", note="HELP text must be valid UTF-8", p242="reject")
C("help-bad-name", "# HELP 1a help\na 1\n", note="HELP name must start with [a-zA-Z_:]", p242="reject")
C("help-quoted-name", "# HELP \"a.b\" help\na 1\n", note="quoted name in HELP (2.51+)", p242="reject", p3="accept",
  n3="3.x stores: a 1")
# ---- TYPE ------------------------------------------------------------------
C("type-all-valid", "# TYPE a counter\n# TYPE b gauge\n# TYPE c histogram\n# TYPE d summary\n# TYPE e untyped\ne 1\n",
  note="the five valid TYPE spellings")
C("type-unknown", "# TYPE a unknown\na 1\n", note="OM-only type in text", p242="reject")
C("type-Counter-capital", "# TYPE a Counter\na 1\n", note="case-sensitive", p242="reject")
C("type-trailing-blank", "# TYPE a counter \na 1\n", note="trailing blank makes type 'counter '", p242="reject")
C("type-two-blanks", "# TYPE a  gauge\na 1\n", note="two blanks: type ' gauge'", p242="reject")
C("type-empty", "# TYPE a\na 1\n", note="empty type", p242="reject")
C("type-tab-separator", "# TYPE a\tgauge\na 1\n", note="single tab as separator is fine")
C("type-text-after-first-char", "# TYPE a.gauge\na 1\n", note="name a, first char '.' dropped, type 'gauge'")
C("meta-late-repeated-conflicting", "a 1\n# HELP a one\n# HELP a two\n# TYPE a counter\n# TYPE a gauge\n", note="HELP/TYPE after samples, repeated HELP, conflicting TYPEs: not checked")
# ---- labels ----------------------------------------------------------------
C("labels-no-comma", 'a{b="1" c="2"} 1\n', note="comma between pairs is optional")
C("labels-trailing-comma", 'a{b="1",} 1\n', note="one trailing comma allowed")
C("labels-leading-comma", 'a{,b="1"} 1\n', note="leading comma", p242="reject")
C("labels-double-comma", 'a{b="1",,c="2"} 1\n', note=",,", p242="reject")
C("labels-comma-before-eq", 'a{b,="1"} 1\n', note="comma before =", p242="reject")
C("labels-blanks-everywhere", 'a \t{ \tb \t= \t"1" \t, \tc = "2" , } \t1 \t\n', note="blanks around name, {, =, ',', } and value")
C("labels-no-blank-before-value", 'a{b="c"}1\n', note="} directly followed by value")
C("labels-empty-braces", 'a{} 1\n', note="NAME{}")
C("labels-empty-braces-no-name", '{} 1\n', note="{} without a name", p242="reject")
C("labels-no-name", '{b="c"} 1\n', note="braces without name", p242="reject")
C("labels-bare-ident-in-braces", '{foo} 1\n', note="bare identifier as name: 3.11+ error; reference says earlier versions took it as the name",
  p242="accept?", p3="reject")
C("labels-unquoted-value", 'a{b=1} 1\n', note="unquoted label value", p242="reject")
C("labels-unterminated", 'a{b="1} 1\n', note="unterminated quoted value", p242="reject")
C("labels-name-colon", 'a{b:c="1"} 1\n', note="label names have no colon", p242="reject")
C("label-value-text", 'a{b="} # {,="} 1\na{b="h\u00e9llo \u2713 \U0001F600"} 2\n', note="}, #, {, comma, = inside a label value are text; multi-byte UTF-8 value")
C("quoted-name-first", '{"a.b"} 1\n', note="quoted metric name in braces (2.51+)", p242="reject", p3="accept", n3='3.x stores: {"a.b"} 1')
C("quoted-name-middle", '{b="c","x.y",d="e"} 1\n', note="quoted name in the middle (2.51+)", p242="reject", p3="accept",
  n3='3.x stores: {"x.y",b="c",d="e"} 1')
C("quoted-name-after-bare-name", 'a{"b"} 1\n', note="quoted name when line already has a name", p242="reject")
C("quoted-name-twice", '{"a","b"} 1\n', note="two quoted names", p242="reject")
C("quoted-name-empty", '{""} 1\n', note="empty quoted name: no __name__", p242="reject")
C("quoted-label-name", 'a{"b.c"="d"} 1\n', note="quoted label name (2.51+)", p242="reject", p3="accept",
  n3='3.x stores: a{"b.c"="d"} 1')
C("quoted-label-name-empty", 'a{""="x"} 1\n', note="empty quoted label name", p242="reject")
C("name-label-with-name", 'a{__name__="x"} 1\n', note="__name__ label plus a name: duplicate", p242="reject")
C("name-label-only", '{__name__="x"} 1\n', note="only __name__ in braces: metric name not set", p242="reject")
C("labels-duplicate", 'a{b="1",b="2"} 1\n', note="duplicate label names fail the scrape", p242="reject")
C("labels-empty-value", 'a{b="",c="1"} 1\n', note="empty value = label absent")
C("labels-empty-dup", 'd{b="1",b=""} 1\n', note="empty value removes every b: no duplicate error")
C("labels-job-instance", 'a{job="x",instance="y"} 1\n', note="clash with target labels -> exported_job / exported_instance (honor_labels false)")
# ---- escapes / bytes in label values ---------------------------------------
C("escape-standard", 'a{b="x\\\\y"} 1\na{b="x\\"y"} 2\na{b="x\\ny"} 3\n', note="the three real escapes: \\\\ -> \\, \\\" -> \", \\n -> LF (values 1,2,3)")
C("escape-verbatim", 'a{b="x\\ty"} 1\na{b="x\\zy"} 2\na{b="\\\\n"} 3\n', note="\\t and \\z kept verbatim; \\\\n is backslash+n, not LF (left-to-right) (values 1,2,3)")
C("escape-backslash-LF", 'a{b="x\\\ny"} 1\n', note="backslash followed by raw LF is not an escape pair", p242="reject")
C("escape-trailing-backslash", 'a{b="x\\"} 1\n', note='\\" escapes the closing quote: unterminated', p242="reject")
C("raw-lf-in-value", 'a{b="x\ny"} 1\n', note="raw LF inside a quoted value is accepted by the text format")
C("invalid-utf8-in-value", b'a{b="x\xffy"} 1\n', note="invalid UTF-8 label value", p242="reject")
C("nul-in-value", b'a{b="x\x00y"} 1\n', note="NUL inside a label value is kept")
# ---- names / separators ------------------------------------------------------
C("name-value-no-separator", "a-1\nb+2\nc.5\n", note="no blank needed after a bare name: a = -1, b = 2, c = 0.5")
C("name-dot-value-ts", "c.5 1700000000000\n", note="c = 0.5 at ts 1700000000000 (old ts: storage drops it)")
C("name-hyphen-word", "http-requests 5\n", note="'-requests' is not a float", p242="reject")
C("name-non-ascii-unquoted", "\u00e4 1\n", note="unquoted non-ASCII name", p242="reject")
C("name-only", "a\n", note="no value", p242="reject")
C("leading-blanks-bare-name", "  lead 1\n", note="leading blanks before bare name", p242="reject", p3="accept",
  n3='3.x stores: {"  lead"} 1')
C("leading-tab-bare-name-labels", '\tlead{b="c"} 1\n', note="leading tab before bare name with labels", p242="reject", p3="accept",
  n3='3.x stores metric name TAB+"lead": {"<TAB>lead",b="c"} 1 (<TAB> = one literal tab byte)')
C("same-series-twice-same", "a 1\na 1\n", note="identical line twice: first kept, second counted as duplicate")
C("same-series-twice-diff", "a 1\na 2\n", note="same series, same (scrape) timestamp, different value: second dropped, not fatal")
# ---- values ------------------------------------------------------------------
C("values-nan-spellings", "a{v=\"NaN\"} NaN\na{v=\"nan\"} nan\na{v=\"nAn\"} nAn\n", note="NaN spellings (case-insensitive)")
C("values-inf-spellings", "a{v=\"1\"} Inf\na{v=\"2\"} +Inf\na{v=\"3\"} -inf\na{v=\"4\"} +Infinity\na{v=\"5\"} -INFINITY\n", note="Inf/Infinity spellings with and without sign")
C("values-number-forms", "a{v=\"1e3\"} 1e3\na{v=\"1E-3\"} 1E-3\na{v=\".5\"} .5\na{v=\"5.\"} 5.\na{v=\"+7\"} +7\na{v=\"007\"} 007\na{v=\"5.e2\"} 5.e2\na{v=\"-0\"} -0\n",
  note="accepted decimal forms (label v = the value text)")
C("values-extremes", "a{v=\"1.7976931348623158e308\"} 1.7976931348623158e308\na{v=\"1e-400\"} 1e-400\na{v=\"4.9e-324\"} 4.9e-324\n",
  note="max float64 (rounded), underflow to 0, smallest subnormal 5e-324")
C("values-long-digits", "a{v=\"1\"} 123456789012345678901234567890\na{v=\"2\"} 9007199254740993\na{v=\"3\"} 0.1000000000000000055511151231257827021181583404541015625\n",
  note="long digit strings round correctly (2^53+1 -> 9007199254740992; exact decimal of 0.1 -> 0.1)")
C("values-blank-variants", "a 1 \t\nb\t2\nc   \t  3\n", note="trailing blanks after value; tab separator; several blanks")
for v, what in [("+NaN", "signed NaN"), ("-nan", "signed NaN"), ("infin", "not inf/infinity"), ("0x10", "hex"), ("0x1p3", "hex float with p"),
                ("1_000", "underscore"), ("1e", "exponent without digits"), (".", "lone dot"), ("1e309", "overflow is an error, not +Inf"),
                ("1.7976931348623159e308", "rounds past max float64: overflow error")]:
    safe = v.replace("+", "plus").replace("-", "minus").replace(".", "dot")
    C("value-" + safe, "a %s\n" % v, note="value %s: %s" % (v, what), p242="reject")
C("value-trailing-cr", b"a 1\r\n", note="CR ends up in the value token", p242="reject")
C("value-cr-only-line", b"a 1\n\r\nb 2\n", note="line holding only CR is not blank", p242="reject")
C("value-with-brace", "a 1}\n", note="} inside value token", p242="reject")
# ---- timestamps --------------------------------------------------------------
C("ts-digits", "a 1 1700000000000\n", note="digits-only ms timestamp (old: dropped by storage)")
C("ts-leading-zeros", "a 1 0001700000000000\n", note="leading zeros fine (dropped by storage: old)")
C("ts-negative", "a 1 -3982045\n", note="negative timestamp (docs example) is an error", p242="reject")
C("ts-float", "a 1 1.5\n", note="float timestamp", p242="reject")
C("ts-plus", "a 1 +123\n", note="signed timestamp", p242="reject")
C("ts-int64-max", "a 1 9223372036854775807\n", note="max int64 parses (storage drops / not visible)")
C("ts-int64-overflow", "a 1 9223372036854775808\n", note="beyond int64", p242="reject")
C("ts-third-token", "a 1 123 456\n", note="third token", p242="reject")
C("value-trailing-comment", "a 1 # comment\n", note="comment after value (read as timestamp)", p242="reject")
C("ts-trailing-blank", "a 1 123 \t\n", note="trailing blanks after timestamp")
C("ts-exemplar", 'a_total 1 # {x="y"} 1\n', note="OM exemplar in text format", p242="reject")
# ---- section 6: le / quantile -------------------------------------------------
LE_A = ["1", "0", "10", "1e3", "123456", "1e6", "0.00001", "inf", "NaN", "0.5", " 1", "foo", "0x1p-2"]
LE_B = ["-0", "1_0", "+Inf"]
def lebody(typ, fam, lbl, vals, suffix):
    s = "# TYPE %s %s\n" % (fam, typ) if typ else ""
    for i, v in enumerate(vals):
        s += '%s%s{%s="%s"} %d\n' % (fam, suffix, lbl, v, i)
    return s
def norm_note(fam, lbl, vals, suffix, normalize):
    out = []
    for i, v in enumerate(vals):
        nv = om_norm(v) if normalize else v
        out.append('%s%s{%s="%s"} %d' % (fam, suffix, lbl, nv, i))
    return "3.x stores (normalized): " + "; ".join(sorted(out))
for tag, vals in (("a", LE_A), ("b", LE_B)):
    C("le-histogram-%s" % tag, lebody("histogram", "h", "le", vals, "_bucket"), note="le values under TYPE histogram (2.42 keeps verbatim): " + ",".join(repr(v) for v in vals),
      n3=norm_note("h", "le", vals, "_bucket", True))
    C("quantile-summary-%s" % tag, lebody("summary", "s", "quantile", vals, ""), note="quantile values under TYPE summary (2.42 keeps verbatim)",
      n3=norm_note("s", "quantile", vals, "", True))
C("le-no-type", lebody(None, "u", "le", LE_A + LE_B, "_bucket"), note="le values with no TYPE line at all: never normalized")
C("le-gaugehistogram-om", lebody("gaugehistogram", "g", "le", LE_A, "_bucket") + "# EOF\n", ct=OM,
  note="le under TYPE gaugehistogram (OpenMetrics, since text has no such type): not normalized")
C("le-type-untyped", lebody("untyped", "u", "le", ["1", "1e3"], "_bucket"), note="le under explicit TYPE untyped: not normalized")
C("le-inherit-quirk", '# TYPE h histogram\nh_bucket{le="1"} 1\nx_bucket{le="1"} 2\nx{quantile="1"} 3\n',
  note="x has no TYPE: 3.x's 'current type' is still histogram, so x's le is normalized too",
  n3='3.x stores (normalized): h_bucket{le="1.0"} 1; x_bucket{le="1.0"} 2; x{quantile="1"} 3')
C("le-type-reset-by-gauge", '# TYPE h histogram\nh_bucket{le="1"} 1\n# TYPE g gauge\ng{le="1"} 2\n',
  note="a later TYPE gauge ends the histogram context",
  n3='3.x stores (normalized): g{le="1"} 2; h_bucket{le="1.0"} 1')
C("quantile-and-le-cross", '# TYPE s summary\ns{le="1",quantile="1"} 1\n# TYPE h histogram\nh{le="1",quantile="1"} 2\n',
  note="summary normalizes only quantile, histogram only le",
  n3='3.x stores (normalized): h{le="1.0",quantile="1"} 2; s{le="1",quantile="1.0"} 1')
# ---- content types and bodies served under other types ------------------------
TXT_ONLY = "a 1\n"                                 # fails as OpenMetrics (no # EOF)
OM_ONLY = "# TYPE a unknown\na 1\n# EOF\n"          # fails as text (TYPE unknown)
C("ct-text-plain-version-1.0.0", TXT_ONLY, ct="text/plain; version=1.0.0", note="text/plain version 1.0.0 -> text parser")
C("ct-text-plain-no-version", TXT_ONLY, ct="text/plain", note="text/plain without version")
C("ct-text-plain-charset-only", TXT_ONLY, ct="text/plain; charset=utf-8", note="text/plain with charset only")
C("ct-text-plain-uppercase", TXT_ONLY, ct="TEXT/PLAIN; version=0.0.4", note="media type is lowercased by the MIME parser")
C("ct-missing-text-body", TXT_ONLY, ct="-", note="no Content-Type header: 2.x text fallback, 3.x fails",
  p242="accept", p3="reject", n3="3.x: scrape fails (no usable Content-Type), no samples")
C("ct-application-json", TXT_ONLY, ct="application/json", note="unknown media type: 2.x text fallback, 3.x fails",
  p242="accept", p3="reject", n3="3.x: scrape fails (unknown Content-Type), no samples")
C("ct-unparsable", TXT_ONLY, ct="text/plain;;;", note="unparsable header: 2.x text fallback, 3.x fails",
  p242="accept", p3="reject", n3="3.x: scrape fails (unparsable Content-Type), no samples")
C("ct-om-0.0.1", OM_ONLY, ct="application/openmetrics-text; version=0.0.1", note="OpenMetrics 0.0.1 -> OM parser")
C("ct-om-uppercase", OM_ONLY, ct="APPLICATION/OPENMETRICS-TEXT; version=1.0.0", note="uppercase OM media type -> OM parser")
C("om-body-as-text", "# TYPE a_seconds counter\n# UNIT a_seconds seconds\n# HELP a_seconds help\na_seconds_total 1\nb_total 2 1700000000\n# EOF\n",
  note="OpenMetrics body served as text/plain: UNIT and EOF are comments; b's integer ts read as ms (1970: dropped by storage)")
C("om-body-as-text-float-ts", "a_total 1 1.5\n# EOF\n", note="OM float timestamp served as text/plain", p242="reject")
C("empty-body-text", b"", note="0-byte body as text/plain")
C("empty-body-om", b"", ct=OM, note="0-byte body as OpenMetrics: 2.x fails (no # EOF), 3.0+ empty success",
  p242="reject", p3="accept", n3="3.x: successful scrape, no samples")

def main():
    os.makedirs(OUT, exist_ok=True)
    width = 3 if len(cases) > 99 else 2
    man, exp, pred = [], [], {}
    names = set()
    for i, (name, body, ct, note, p242, p3, n3) in enumerate(cases, 1):
        fn = "%0*d-%s.txt" % (width, i, name)
        assert name not in names, name
        names.add(name)
        with open(os.path.join(OUT, fn), "wb") as f:
            f.write(body)
        assert "\t" not in note and "\n" not in note and "\t" not in n3
        man.append("%s\t%s\t%s\n" % (fn, ct, note))
        exp.append((fn, p3, n3))
        pred[fn[:-4]] = {"p242": p242, "p3": p3, "n3": n3}
    with open(os.path.join(OUT, "MANIFEST.tsv"), "w") as f:
        f.writelines(man)
    if len(sys.argv) > 2:  # optional: the per-case predictions, input for EXPECTED_3X.tsv
        json.dump({"exp3": exp, "pred": pred}, open(sys.argv[2], "w"), indent=1)
    print(len(cases), "cases")

main()
