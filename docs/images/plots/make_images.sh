#!/bin/sh
# Remakes the before/after pictures in this folder (docs/lab.md, "The plots before and after issue 17").
#
#   sh docs/images/plots/make_images.sh BEFORE_HYPERLAB AFTER_HYPERLAB
#
# BEFORE_HYPERLAB is a `hyperlab` built from the commit before the fixes (fec3b1c), AFTER_HYPERLAB one built
# from this tree. Both draw the same two studies, run by the before binary from study.yaml with the program
# objective.py (a loss over seven decades; learning rates above 0.2 diverge and fail): 30 trials, and the
# same file cut to 6 trials for the importance plot. "before" SVGs are screenshot by headless Chromium at
# their own size; "after" PNGs are written by `hyperlab plot -o FILE.png` itself. palette.py then shrinks
# all but the contours to 8-bit palette PNGs.
set -eu
before=$1 after=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|OBJECTIVE|$here/objective.py|" "$here/study.yaml" > "$work/study30.yaml"
sed 's/max_trials: 30/max_trials: 6/; s/loss-decades-30/loss-decades-6/' "$work/study30.yaml" > "$work/study6.yaml"
"$before" --data-dir "$work/data" run "$work/study30.yaml" --workers 2 > /dev/null
"$before" --data-dir "$work/data" run "$work/study6.yaml" --workers 2 > /dev/null

shot() {  # shot IN.svg OUT.png: Chromium at the SVG's own size.
  w=$(grep -o 'width="[0-9.]*"' "$1" | head -1 | grep -o '[0-9.]*')
  h=$(grep -o 'height="[0-9.]*"' "$1" | head -1 | grep -o '[0-9.]*')
  HOME=$work timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --hide-scrollbars --no-first-run --user-data-dir="$work/profile" --screenshot="$2" \
    --window-size="${w%.*},${h%.*}" "file://$1" > /dev/null 2>&1
}
D="--data-dir $work/data"
for kind in history contour importance; do
  study=loss-decades-30
  extra=""
  [ $kind = importance ] && study=loss-decades-6
  [ $kind = contour ] && extra="--params learning_rate,width"
  "$before" $D plot $study $kind $extra -o "$work/$kind-before.svg"
  shot "$work/$kind-before.svg" "$work/$kind-before.png"
  "$after" $D plot $study $kind $extra -o "$work/$kind-after.png"
done
"$after" $D plot loss-decades-30 parallel -o "$work/parallel-after.png"
# The contours stay RGB: 256 colours would band their smooth colour surfaces.
for f in "$work"/*.png; do
  case $(basename "$f") in
    contour-*) cp "$f" "$here/" ;;
    *) python3 "$here/palette.py" "$f" "$here/$(basename "$f")" ;;
  esac
done
