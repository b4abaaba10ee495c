package com.ctcfile.token.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM names every published module at the one project version, and nothing else: importing it
 * must give a user our versions without pinning any third-party library.
 */
class BomTest {

  private static final List<String> NOT_PUBLISHED = List.of("ctc-token-architecture-tests", "ctc-token-benchmarks",
      "ctc-token-fleet-tests", "ctc-token-cli", "bom");

  @Test
  void theBomListsExactlyThePublishedModulesAtTheProjectVersion() throws IOException {
    Path root = ReadmeSnippetsTest.repositoryRoot();
    String parent = Files.readString(root.resolve("pom.xml"));
    String bom = Files.readString(root.resolve("bom/pom.xml"));
    String version = first(parent, "<artifactId>ctc-token-parent</artifactId>\\s*<version>([^<]+)</version>");

    List<String> published = new ArrayList<>();
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    while (modules.find()) {
      if (!NOT_PUBLISHED.contains(modules.group(1))) {
        published.add(modules.group(1));
      }
    }
    List<String> listed = new ArrayList<>();
    Matcher entries = Pattern.compile(
        "<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>").matcher(bom);
    entries.find();
    assertThat(entries.group(2)).isEqualTo("ctc-token-bom");
    assertThat(entries.group(3)).as("the BOM's own version").isEqualTo(version);
    while (entries.find()) {
      assertThat(entries.group(1)).as("BOM entries are our own artifacts").isEqualTo("com.ctcfile.token");
      assertThat(entries.group(3)).as(entries.group(2) + " version").isEqualTo(version);
      listed.add(entries.group(2));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(published);
    assertThat(bom).doesNotContain("<parent>");
  }

  private static String first(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex).isTrue();
    return matcher.group(1);
  }
}
