package com.ctcfile.token.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's code cannot rot: every code block it introduces with
 * {@code <!-- snippet: path/to/Source.java#tag -->} must equal the region between the lines holding
 * {@code tag::tag[]} and {@code end::tag[]} of that file, a test (or a resource a test loads) that
 * compiles and runs it.
 */
class ReadmeSnippetsTest {

  private static final Pattern SNIPPET = Pattern.compile(
      "<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("bom/pom.xml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }

  @Test
  void everyReadmeSnippetIsCodeThatTestsCompileAndRun() throws IOException {
    Path root = repositoryRoot();
    String readme = Files.readString(root.resolve("README.md"));
    Matcher matcher = SNIPPET.matcher(readme);
    List<String> checked = new ArrayList<>();
    while (matcher.find()) {
      Path source = root.resolve(matcher.group(1));
      String tag = matcher.group(2);
      assertThat(source).as("snippet source of #" + tag).exists();
      assertThat(normalize(matcher.group(3)))
          .as("README snippet #" + tag + " equals the tagged region of " + matcher.group(1))
          .isEqualTo(normalize(region(Files.readString(source), tag)));
      checked.add(tag);
    }
    assertThat(checked).as("snippets checked").contains("httpclient5-quickstart");
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws IOException {
    Path root = repositoryRoot();
    String readme = Files.readString(root.resolve("README.md"));
    Matcher command = Pattern.compile("<!-- test-command -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL)
        .matcher(readme);
    assertThat(command.find()).as("README marks its test command").isTrue();
    assertThat(Files.readAllLines(root.resolve(".ci/run"))).contains(command.group(1).trim());
  }

  /**
   * The lines between a comment line {@code // tag::tag[]} (or {@code #} or {@code --}) and the matching
   * {@code end::tag[]} line.
   */
  static String region(String source, String tag) {
    List<String> lines = source.lines().collect(Collectors.toList());
    Pattern start = Pattern.compile("^\\s*(//|#|--)\\s*tag::" + Pattern.quote(tag) + "\\[]\\s*$");
    Pattern end = Pattern.compile("^\\s*(//|#|--)\\s*end::" + Pattern.quote(tag) + "\\[]\\s*$");
    int from = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (from < 0 && start.matcher(lines.get(i)).matches()) {
        from = i + 1;
      } else if (from >= 0 && end.matcher(lines.get(i)).matches()) {
        return String.join("\n", lines.subList(from, i));
      }
    }
    throw new AssertionError("no tag::" + tag + "[] ... end::" + tag + "[] lines");
  }

  /** Removes the common indentation and trailing blanks, so a region nested in a method compares. */
  static String normalize(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).collect(Collectors.toList());
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
  }
}
