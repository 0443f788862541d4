#!/usr/bin/env bash
# Installs the system packages scan2text needs on Debian/Ubuntu: Tesseract with the
# rus/hye/eng/osd models, fonts for the sample generator, and (with --dev) Chromium for
# the browser tests. Used by `make`, .ci/run and the Dockerfile alike, so all three agree.
# --tesserocr: only what building the optional persistent engine needs (the Dockerfile's ENGINE=tesserocr).
set -euo pipefail

runtime=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-hye tesseract-ocr-osd
  tesseract-ocr-script-armn tesseract-ocr-script-cyrl tesseract-ocr-script-latn)
# Chromium for the browser tests; poppler-utils (pdftotext) to read exported PDFs back as a viewer does; the
# Tesseract headers to build tesserocr, the optional persistent engine.
build_tesserocr=(libtesseract-dev libleptonica-dev pkg-config g++)
dev=(fonts-dejavu-core fonts-freefont-ttf fonts-noto-core chromium poppler-utils "${build_tesserocr[@]}")

want=("${runtime[@]}")
# A fresh Debian has python3 but not always its venv module.
python3 -c "import venv, ensurepip" 2>/dev/null || want+=(python3 python3-venv python3-pip)
case "${1:-}" in
  --dev) want+=("${dev[@]}") ;;
  --tesserocr) want+=("${build_tesserocr[@]}") ;;
esac

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
