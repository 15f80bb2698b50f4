#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the
# autograder image (Ubuntu). It installs what tools/weensy installs and
# builds the stencil once, so that each submission's build is incremental.
#
# The autograder zip (see docs/instructors.md) holds:
#   setup.sh, run_autograder   these two files
#   weensyos/                  the stencil repository (tools/weensy stencil)
#   private-tests/             optional: the course's own tests/cases-style
#                              files, graded with the rest, never shown
#
# AUTOGRADER_ROOT (default /autograder) moves every path, for trying it
# outside Gradescope.
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
stencil=$root/source/weensyos
if [[ ! -f $stencil/tools/weensy ]]; then
    echo "setup.sh: no stencil at $stencil (the zip needs weensyos/)" >&2
    exit 1
fi
cp "$root/source/run_autograder" "$root/run_autograder" 2>/dev/null || true
chmod +x "$root/run_autograder" 2>/dev/null || true
# Installs the packages (apt-get, as root) and builds once, which proves
# the toolchain works in this image.
"$stencil/tools/weensy" build
