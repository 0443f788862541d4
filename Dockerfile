# scan2text: Tesseract (eng, rus, hye, osd) + the CLI as entrypoint.
#   docker build -t scan2text .
#   docker run --rm -v /scans:/data -v /out:/out scan2text run /data --out /out
#   docker run --rm -p 8765:8765 -v /out:/out scan2text review /out --host 0.0.0.0 --no-browser
#   docker build --build-arg ENGINE=tesserocr -t scan2text .   # models kept loaded: ~8% more pages a minute
FROM python:3.11-slim-bookworm
ARG ENGINE=pytesseract

# The same script `make` and CI use, so the image has exactly the system packages they test with.
COPY scripts/install-system.sh /tmp/install-system.sh
RUN /tmp/install-system.sh && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 scan2text
WORKDIR /opt/scan2text
COPY pyproject.toml README.md ./
COPY src ./src
COPY flows ./flows
# the pdf extra: searchable PDFs are the first thing most archives want from OCR
RUN pip install --no-cache-dir './.[pdf]'
# tesserocr is built against the image's own libtesseract (a binary wheel brings another, without models); the
# headers and compiler go again once it is built.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN if [ "$ENGINE" = tesserocr ]; then \
      /tmp/install-system.sh --tesserocr \
      && pip install --no-cache-dir --no-binary tesserocr 'tesserocr>=2.6' \
      && apt-get purge -y -qq --auto-remove libtesseract-dev libleptonica-dev pkg-config g++ \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && rm /tmp/install-system.sh

USER 1000:1000
ENV SCAN2TEXT_ENGINE=$ENGINE \
    PREFECT_HOME=/home/scan2text/.prefect \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    OMP_THREAD_LIMIT=1
WORKDIR /home/scan2text
ENTRYPOINT ["scan2text"]
CMD ["--help"]
