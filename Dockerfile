# modelgate: one image, three roles (MODELGATE_ROLE=all | console | gateway). README "Deployment".
#   docker build -t modelgate .
#   docker run -p 3000:3000 -v modelgate-data:/app/.data modelgate          # one machine, embedded database
#   docker run -e MODELGATE_ROLE=gateway -e DATABASE_URL=… -e GATEWAY_ENCRYPTION_KEY=… modelgate
# The start command is scripts/start.mjs, the same one `npm start` and the replica tests (e2e/replicas) run.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MODELGATE_SKIP_BUILD=1 \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# What the processes read at run time: the bundles, Next's build, migrations, next.config.ts (it parses the
# environment through server/env.ts) and the start script.
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY db/migrations ./db/migrations
COPY next.config.ts ./
COPY server/env.ts ./server/env.ts
COPY scripts/start.mjs scripts/build-if-needed.mjs ./scripts/
RUN mkdir -p /app/.data && chown -R node:node /app/.data /app/.next
USER node
EXPOSE 3000
# Readiness of whichever role runs: 200 once the database answers, 503 while draining.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "scripts/start.mjs"]
