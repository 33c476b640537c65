# syntax=docker/dockerfile:1
# bedrock-usage-exporter: docker build -t bedrock-usage-exporter .
# (docker compose up -d builds it too). docs/stack.md explains how to run it.

# Prometheus' own promtool and prometheus, for the stack's one-time history backfill (stage backfill).
FROM prom/prometheus:v3.5.0 AS prometheus-tools

# Build: `npm ci` installs every dependency and its `prepare` script compiles src/ into dist/,
# exactly as on a developer's machine.
FROM node:22.20.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund && mkdir /ledger

# Runtime dependencies only; no scripts, so `prepare` (which needs TypeScript) does not run.
FROM node:22.20.0-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The stack's one-time backfill (docker-compose.yml, service backfill): the exporter's files plus
# promtool and prometheus, which turn Cost Explorer's history into blocks and evaluate the recording
# rules over it. It runs as Prometheus' user (nobody) so the blocks belong to Prometheus.
FROM node:22.20.0-bookworm-slim AS backfill
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/docker-entrypoint-bedrock.sh
COPY --from=prometheus-tools /bin/promtool /bin/prometheus /usr/local/bin/
RUN mkdir /prometheus && chown 65534:65534 /prometheus
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/docker-entrypoint-bedrock.sh"]
CMD ["backfill-once"]

FROM node:22.20.0-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/docker-entrypoint-bedrock.sh
COPY docker/healthcheck.mjs /usr/local/lib/bedrock-healthcheck.mjs
# The image's unprivileged `node` user. Only the ledger folder is written at run time (logs go to
# stdout), so the root filesystem can be read-only; a volume mounted there takes its owner from here.
COPY --from=build --chown=1000:1000 /ledger /var/lib/bedrock-usage-exporter
USER 1000:1000
EXPOSE 9180
# Alive when port 9180 answers, over HTTP or HTTPS, with or without the client certificate or basic
# auth a web config asks for (docker/healthcheck.mjs).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/bedrock-healthcheck.mjs", "9180"]
ENTRYPOINT ["/usr/local/bin/docker-entrypoint-bedrock.sh"]
