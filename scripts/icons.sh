#!/usr/bin/env bash
# Rasterises the icons in docs/icon/*.svg into public/ (WXT puts public/icon-<size>.png in the manifest, and for
# Firefox pairs icon-light-<size>.png / icon-dark-<size>.png into the toolbar button's theme_icons).
# Needs rsvg-convert (Debian: apt-get install librsvg2-bin). The PNGs are committed; run this after editing an SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
src=docs/icon
rsvg-convert -w 16 -h 16 "$src/icon-16.svg" -o public/icon-16.png # drawn on the 16 px grid
for s in 32 48 128; do rsvg-convert -w "$s" -h "$s" "$src/icon.svg" -o "public/icon-$s.png"; done
# Toolbar glyphs for Firefox themes: "light" is the light glyph for dark toolbars, "dark" the dark one for light.
for v in light dark; do
  for s in 16 32; do rsvg-convert -w "$s" -h "$s" "$src/toolbar-$v-16.svg" -o "public/icon-$v-$s.png"; done
done
ls -l public/
