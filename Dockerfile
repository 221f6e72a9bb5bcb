# tiergate container image: multi-stage, Spring Boot's layered jar, JRE base, non-root user.
# Build and push (needs Docker or another OCI builder; none runs on the project's CI machines):
#   docker build -t ghcr.io/<you>/tiergate:0.1.0 .
#   docker push ghcr.io/<you>/tiergate:0.1.0

# Stage 1: build the jar with the Maven wrapper (tests run in CI, not here).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline -DskipTests
COPY src src
RUN ./mvnw -B -q package -DskipTests && cp target/tiergate-*.jar /tiergate.jar

# Stage 2: split the jar into layers, so a code change rebuilds only the application layer. Without Boot's launcher:
# the application jar and lib/ side by side, the layout a class-data-sharing archive needs (stage 3).
FROM eclipse-temurin:17-jre AS layers
WORKDIR /layers
COPY --from=build /tiergate.jar tiergate.jar
RUN java -Djarmode=tools -jar tiergate.jar extract --layers --destination extracted

# Stage 3: the runtime image. uid/gid 10001 match the Helm chart's securityContext (runAsNonRoot);
# the base image carries `sleep`, which the chart's preStop hook runs.
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 tiergate && useradd --system --uid 10001 --gid 10001 --no-create-home tiergate
WORKDIR /app
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:NewRatio=1 -XX:SurvivorRatio=4"
# Class-data sharing (Spring Boot's recipe): one training start that stops once the context is refreshed records the
# classes a start loads; every start then maps them from the archive: ~3 s instead of ~5 s to ready on 2 cores
# (docs/performance.md, "Start-up"). The default configuration is enough: nothing is contacted before the refresh ends.
RUN java -XX:ArchiveClassesAtExit=tiergate.jsa -Dspring.context.exit=onRefresh -jar tiergate.jar \
    && chmod a+r tiergate.jsa
USER 10001:10001
# 8080: JSON-RPC (HTTP); 8081: management (Actuator health, Prometheus, admin API).
EXPOSE 8080 8081
ENTRYPOINT ["java", "-XX:SharedArchiveFile=tiergate.jsa", "-jar", "tiergate.jar"]
