/* assets.S - embeds src/web/assets/NAME into the binary: kith_asset_X is
 * the first byte and kith_asset_X_size (8 bytes) the length. Add one block
 * per new file AND list it in asset.c. Paths are relative to the project
 * root (-I.). */
	.section .rodata
	.global kith_asset_css
kith_asset_css:
	.incbin "src/web/assets/kith.css"
kith_asset_css_end:
	.balign 8
	.global kith_asset_css_size
kith_asset_css_size:
	.quad kith_asset_css_end - kith_asset_css
	.global kith_asset_js
kith_asset_js:
	.incbin "src/web/assets/kith.js"
kith_asset_js_end:
	.balign 8
	.global kith_asset_js_size
kith_asset_js_size:
	.quad kith_asset_js_end - kith_asset_js
	.section .note.GNU-stack,"",@progbits
