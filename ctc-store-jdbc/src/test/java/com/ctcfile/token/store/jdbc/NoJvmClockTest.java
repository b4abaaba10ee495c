package com.ctcfile.token.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The store's own code has no way to read this JVM's clock: no class of it refers to a clock API.
 * Together with the database-clock tests this is why nodes' clock skew cannot matter to leases.
 */
class NoJvmClockTest {

  private static final List<String> CLOCK_APIS = List.of("currentTimeMillis", "nanoTime", "java/time/Clock",
      "java/time/Instant", "java/time/LocalDateTime", "java/time/OffsetDateTime", "java/time/ZonedDateTime",
      "java/util/Date", "java/sql/Timestamp", "java/util/Calendar", "getTimestamp", "setTimestamp");

  @Test
  void noClassOfTheStoreRefersToAClockApi() throws IOException, URISyntaxException {
    Path classes = Path.of(JdbcTokenStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = classes.resolve("com/ctcfile/token/store/jdbc");
    List<Path> classFiles;
    try (Stream<Path> files = Files.list(dir)) {
      classFiles = files.filter(file -> file.toString().endsWith(".class")).collect(Collectors.toList());
    }

    assertThat(classFiles).extracting(file -> file.getFileName().toString())
        .contains("JdbcTokenStore.class", "TokenTable.class", "Dialect.class", "TableSetup.class");
    for (Path classFile : classFiles) {
      // class file constant pools hold member and class names as (modified) UTF-8
      String constants = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
      assertThat(CLOCK_APIS).as(classFile.getFileName().toString()).noneMatch(constants::contains);
    }
  }
}
