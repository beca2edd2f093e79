#!/usr/bin/env bats
# web.bats - the web UI's foundation against the real server: the embedded
# stylesheet and script under their versioned URLs (content hash, headers,
# 404s), the security headers of HTML answers, the route table's web lines
# kept out of the API's, and the page frame rendered with hostile data
# (kith test-layout) parsed as a browser would.

load helpers

setup() {
	kith_setup
	kith_serve
	ASSETS="$BATS_TEST_DIRNAME/../../src/web/assets"
}

# Stop the server here to see its exit status and any sanitizer report
# (kith_teardown_checked): under ASan a leak or a memory error fails the test.
teardown() {
	kith_teardown_checked
}

# get PATH [curl args...]: sets status_code, the body in $TMP/body, headers in $TMP/h.
get() {
	local path="$1"
	shift
	status_code="$(curl -s -D "$TMP/h" -o "$TMP/body" -w '%{http_code}' "$@" "$URL$path")"
}

# hash NAME: the first 16 hex digits of BLAKE2b-64 of the asset's source,
# computed here without kith (coreutils' b2sum).
hash() {
	b2sum -l 64 "$ASSETS/$1" | cut -c1-16
}

@test "the stylesheet and the script are served under their content hash, cached for a year" {
	for name in kith.css kith.js; do
		h="$(hash "$name")"
		get "/assets/$h/$name"
		[ "$status_code" = 200 ] || { echo "$name: $status_code"; false; }
		cmp "$TMP/body" "$ASSETS/$name"
		[ "$(hdr Cache-Control)" = "public, max-age=31536000, immutable" ]
		[ "$(hdr ETag)" = "\"$h\"" ]
		[ "$(hdr X-Content-Type-Options)" = nosniff ]
		[ "$(hdr Content-Length)" = "$(wc -c <"$ASSETS/$name")" ]
	done
	get "/assets/$(hash kith.css)/kith.css"
	[ "$(hdr Content-Type)" = "text/css; charset=utf-8" ]
	get "/assets/$(hash kith.js)/kith.js"
	[ "$(hdr Content-Type)" = "text/javascript; charset=utf-8" ]
}

@test "a wrong hash, an unknown name or another shape of asset path is 404" {
	css="$(hash kith.css)"
	js="$(hash kith.js)"
	for path in "/assets/0000000000000000/kith.css" "/assets/$js/kith.css" \
		"/assets/${css:0:15}/kith.css" "/assets/$css/nothing.css" "/assets/$css/KITH.CSS" \
		"/assets/$css/kith.css/" "/assets/$css" "/assets/kith.css" "/assets/" "/assets" \
		"/assets/$css/.kith.css" "/assets/$css/%2e%2e" "/assets/$css/kith%2ecss%2f"; do
		get "$path"
		[ "$status_code" = 404 ] || { echo "$path: $status_code"; false; }
		[ "$(hdr Content-Type)" = application/problem+json ] || { echo "$path"; false; }
		[ "$(hdr Cache-Control)" = no-store ]
	done
	get "/assets/$css/kith.css" -X POST
	[ "$status_code" = 405 ]
	[ "$(hdr Allow)" = GET ]
	get "/assets/$css/kith.css?v=1"
	[ "$status_code" = 422 ]
	[ "$(jq -r '.errors[0].field' "$TMP/body")" = v ]
}

@test "assets need no token and ignore a bad one" {
	get "/assets/$(hash kith.css)/kith.css" -H "Authorization: Bearer kith_nonsense"
	[ "$status_code" = 200 ]
}

@test "an HTML answer carries the web UI's CSP, Referrer-Policy, nosniff and charset" {
	get /
	[ "$status_code" = 200 ]
	[ "$(hdr Content-Type)" = "text/html; charset=utf-8" ]
	[ "$(hdr Content-Security-Policy)" = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" ]
	[ "$(hdr Referrer-Policy)" = same-origin ]
	[ "$(hdr X-Content-Type-Options)" = nosniff ]
	# JSON answers do not get the page headers
	get /api/v1/health
	[ -z "$(hdr Content-Security-Policy)" ]
	[ -z "$(hdr Referrer-Policy)" ]
}

@test "web routes are listed apart from the API's and are not in the OpenAPI document" {
	run kith test-routes --web
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'GET /assets/{hash}/{name}'
	# without --web: the API's routes only, the ones the OpenAPI document describes
	[ -z "$(kith test-routes | grep -v '^[A-Z]* /api/' | grep -vx 'GET /')" ]
	[ "$(kith test-routes | grep -c '/assets/')" -eq 0 ]
	curl -s "$URL/api/v1/openapi.json" |
		jq -e '.paths | keys | map(startswith("/assets")) | any | not'
	# the API index lists the API only
	get /
	[ "$(grep -c '/assets/' "$TMP/body")" -eq 0 ]
}

# page ARGS...: `kith test-layout ARGS` parsed by htmlcheck.py into $TMP/page.json.
page() {
	kith test-layout "$@" >"$TMP/page.html"
	python3 "$BATS_TEST_DIRNAME/htmlcheck.py" <"$TMP/page.html" >"$TMP/page.json"
}

@test "the layout links the served assets and nothing else, with no inline script or style" {
	page --title Today --lang th
	jq -e '.problems == [] and .lang == "th" and .title == "Today · kith"' "$TMP/page.json"
	[ "$(jq '.scripts | length' "$TMP/page.json")" = 1 ]
	[ "$(jq '.styles | length' "$TMP/page.json")" = 1 ]
	[ "$(jq -r '.styles[0]' "$TMP/page.json")" = "/assets/$(hash kith.css)/kith.css" ]
	[ "$(jq -r '.scripts[0]' "$TMP/page.json")" = "/assets/$(hash kith.js)/kith.js" ]
	for url in $(jq -r '.styles[0], .scripts[0]' "$TMP/page.json"); do
		get "$url"
		[ "$status_code" = 200 ] || { echo "$url: $status_code"; false; }
	done
	# every URL in the frame is on this server: no third-party requests
	# (a browser reads "//host" and "/\host" as another host)
	[ -z "$(jq -r '.hrefs[], .styles[], .scripts[] | select((startswith("/") and
		(startswith("//") or startswith("/\\") | not)) or startswith("#") | not)' \
		"$TMP/page.json")" ]
}

@test "hostile text stays text: the DOM holds exactly what was given" {
	while IFS= read -r s; do
		page --text "$s" --title "$s" --footer "$s" --nav-label "$s"
		jq -e '.problems == []' "$TMP/page.json" || { echo "for: $s"; false; }
		[ "$(jq '.scripts | length' "$TMP/page.json")" = 1 ] || { echo "for: $s"; false; }
		[ "$(jq -r '.text.text' "$TMP/page.json")" = "$s" ] || { echo "text: $s"; false; }
		[ "$(jq -r '.text.name' "$TMP/page.json")" = "$s" ] || { echo "name: $s"; false; }
		[ "$(jq -r '.title' "$TMP/page.json")" = "$s · kith" ] || { echo "title: $s"; false; }
		grep -qF '<p id="name"><bdi>' "$TMP/page.html"
	done <<'HOSTILE'
<script>alert(1)</script>
"><script>alert(1)</script>
' onmouseover='alert(1)
</title><script>alert(1)</script>
</p></main><img src=x onerror=alert(1)>
&lt;script&gt; &amp; &#60;b&#62;
<!-- --><style>body{display:none}</style>
‮evil.exe‬ ⁦override⁩ right-to-left
สมชาย ใจดี İstanbul Łódź
HOSTILE
}

@test "invalid UTF-8 and control characters never reach the page" {
	page --text "$(printf 'a\377b\001c\033d\302\205e')"
	[ "$(jq -r '.text.text' "$TMP/page.json")" = "a�b�c�d�e" ]
	# the page as a whole is valid UTF-8
	iconv -f UTF-8 -t UTF-8 "$TMP/page.html" >/dev/null
}

@test "javascript:, data: and vbscript: URLs in disguise become #, safe ones stay" {
	while IFS= read -r u; do
		page --text "$u" --nav-href "$u"
		[ "$(grep -c 'href="#"' "$TMP/page.html")" -eq 2 ] || { echo "kept: $u"; false; }
		jq -e '.problems == []' "$TMP/page.json" || { echo "for: $u"; false; }
	done <<'BAD'
javascript:alert(1)
JaVaScRiPt:alert(1)
   javascript:alert(1)
java	script:alert(1)
javascript&colon;alert(1)
javascript&#58;alert(1)
&#x6A;avascript:alert(1)
jav&#x09;ascript:alert(1)
data:text/html,<script>alert(1)</script>
vbscript:msgbox(1)
BAD
	page --text "$(printf '\001\002javascript:alert(1)')"
	[ "$(jq -r '.hrefs | map(select(. == "#")) | length' "$TMP/page.json")" -ge 1 ]
	jq -e '.problems == []' "$TMP/page.json"
	while IFS= read -r u; do
		page --text "$u"
		[ "$(jq -r '.hrefs[-1]' "$TMP/page.json")" = "$u" ] || { echo "refused: $u"; false; }
	done <<'GOOD'
/contacts/42?q=a:b&sort=name
https://example.com/x?y=1#z
mailto:ann@example.com
tel:+66812345678
GOOD
}
