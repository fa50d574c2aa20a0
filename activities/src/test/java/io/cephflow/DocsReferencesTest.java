package io.cephflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs name only what is in the repository: every relative link in README.md and docs/ and
 * every backquoted path under a top-level directory of the source tree resolves to a file or
 * directory (issue 19: references to design pages that were never there).
 */
class DocsReferencesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern PATH =
      Pattern.compile(
          "`((?:dev|bench|docs|helm|worker|activities|workflows|starter|\\.ci)/[A-Za-z0-9_./-]+)`");

  @Test
  void everyLinkAndPathInTheDocsExists() throws IOException {
    List<Path> pages = pages();
    assertThat(pages).hasSizeGreaterThan(10).contains(ROOT.resolve("README.md"));
    List<String> dangling = new ArrayList<>();
    for (Path page : pages) dangling.addAll(dangling(page, Files.readString(page)));
    assertThat(dangling).isEmpty();
  }

  @Test
  void aMissingPageAndAMissingPathAreFound() {
    Path page = ROOT.resolve("docs/x.md");
    String text =
        "see [flows](flows.md#steps), [gone](design/old.md), [web](https://example.org/a),"
            + " [here](#top), `dev/setup.sh`, `bench/no-such-bench.sh`, `workflows/.../image/`,"
            + " `starter/target/cli`";
    assertThat(dangling(page, text))
        .containsExactly("docs/x.md: design/old.md", "docs/x.md: bench/no-such-bench.sh");
  }

  /** The references in {@code text} (of {@code page}) that name nothing in the tree. */
  static List<String> dangling(Path page, String text) {
    List<String> out = new ArrayList<>();
    String name = ROOT.relativize(page).toString();
    Matcher link = LINK.matcher(text);
    while (link.find()) {
      String target = link.group(1);
      if (target.startsWith("#") || target.matches("^[a-z]+:.*")) continue;
      String file = target.replaceFirst("#.*", "");
      if (!Files.exists(page.getParent().resolve(file).normalize())) out.add(name + ": " + target);
    }
    Matcher path = PATH.matcher(text);
    while (path.find()) {
      String p = path.group(1).replaceFirst("\\.$", "");
      if (p.contains("...")) continue; // a package shorthand, not a path
      if (p.contains("/target/")) continue; // made by the build: not there in a fresh clone
      if (!Files.exists(ROOT.resolve(p))) out.add(name + ": " + p);
    }
    return out;
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }
}
