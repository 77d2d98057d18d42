# Atlas backup GraphQL gateway. Built on Node 22 LTS (development machines run Node 20; both are supported).
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: the SDL, the GraphiQL example, and the spec copy the demo simulator routes by.
COPY schema ./schema
COPY examples ./examples
COPY spec ./spec
USER node
EXPOSE 4000
# The port the server listens on: PORT as the container runs (`docker run -e PORT=8080` included), not a fixed one.
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/index.js"]
