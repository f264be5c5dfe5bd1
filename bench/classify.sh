#!/bin/sh
# bench/classify.sh BUILD_DIR: the classifier against fastText and bogofilter.
exec python3 "$(dirname "$0")/classify.py" "$@"
