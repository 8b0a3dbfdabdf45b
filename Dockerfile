# maestro-tpl daemon image: `maestro-tpl serve` on port 8005.
# Build:  docker build -t maestro-tpl .
# Run:    docker run -p 8005:8005 -e SECRET_KEY=... -v maestro:/data maestro-tpl
# Multi-stage: the build stage has the compilers better-sqlite3 needs; the runtime stage
# has Node.js, the production dependencies and the built bundle, and runs as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ git \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs the sources, copied next.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
  MAESTRO_HOME=/data \
  SERVICE_HOST=0.0.0.0 \
  SERVICE_PORT=8005
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/oclif.manifest.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/bin ./bin
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/templates_storage ./templates_storage
COPY --from=build --chown=root:root /app/schemas ./schemas
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8005
# /health answers 200 when healthy or degraded (Redis down), 503 when the database is not.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SERVICE_PORT || 8005) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["serve"]
