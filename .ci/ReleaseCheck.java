import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Opens a staged release (a Maven repository folder made by
 * {@code mvn -Prelease deploy -DaltDeploymentRepository=local::file:DIR}) and checks what a
 * repository manager such as the Central Portal would: every published artifact has its jar, sources
 * and javadoc jars and a POM with name, description, url, licenses, scm, developers and
 * issueManagement; only the libraries and the BOM are there; every jar carries LICENSE and NOTICE; no
 * library jar has a main class. Given a second staging folder from another clean build, it also
 * checks that every jar is byte-identical (reproducible builds).
 *
 * <pre>java .ci/ReleaseCheck.java STAGING [SECOND_STAGING]</pre>
 *
 * Prints one line per check and exits 1 if any failed.
 */
public final class ReleaseCheck {

    /** What is published: artifact id, and whether it is a jar (with sources and javadoc) or a POM only. */
    private static final Map<String, Boolean> PUBLISHED = new TreeMap<>(Map.of(
            "bbq-core", true, "bbq-serial", true, "bbq-pi4j", true, "bbq-metrics", true, "bbq-mqtt", true, "bbq-bom", false));

    private final List<String> failures = new ArrayList<>();
    private int passed;

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java .ci/ReleaseCheck.java STAGING [SECOND_STAGING]");
            System.exit(2);
        }
        ReleaseCheck check = new ReleaseCheck();
        Map<String, Path> first = check.layout(Path.of(args[0]));
        if (args.length == 2) {
            check.reproducible(first, check.layoutQuietly(Path.of(args[1])));
        }
        System.out.println("release check: " + check.passed + " passed, " + check.failures.size() + " failed");
        if (!check.failures.isEmpty()) {
            check.failures.forEach(f -> System.out.println("  FAILED: " + f));
            System.exit(1);
        }
    }

    private void ok(boolean condition, String what) {
        if (condition) {
            passed++;
            System.out.println("ok   " + what);
        } else {
            failures.add(what);
            System.out.println("FAIL " + what);
        }
    }

    /** Checks the staged layout; returns its files by "artifact:classifier.extension". */
    private Map<String, Path> layout(Path staging) throws Exception {
        Path group = staging.resolve("dev/bbq");
        ok(Files.isDirectory(group), staging + " holds group dev.bbq");
        if (!Files.isDirectory(group)) {
            return Map.of();
        }
        TreeSet<String> staged = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(group)) {
            dirs.filter(Files::isDirectory).forEach(d -> staged.add(d.getFileName().toString()));
        }
        ok(staged.equals(PUBLISHED.keySet()), "only the libraries and the BOM are staged: " + staged);

        Map<String, Path> files = collect(staging);
        for (Map.Entry<String, Boolean> artifact : PUBLISHED.entrySet()) {
            String id = artifact.getKey();
            Path pom = files.get(id + ":.pom");
            ok(pom != null, id + " has a POM");
            if (pom != null) {
                checkPom(id, pom);
            }
            if (!artifact.getValue()) {
                continue;
            }
            for (String classifier : new String[] {"", "sources", "javadoc"}) {
                Path jar = files.get(id + ":" + classifier + ".jar");
                String name = id + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
                ok(jar != null, id + " has " + name);
                if (jar != null) {
                    checkJar(name, jar, classifier.isEmpty());
                }
            }
            boolean signed = files.containsKey(id + ":.jar.asc");
            System.out.println("info " + id + (signed ? " is signed (.asc)" : " is not signed (no GPG key given)"));
        }
        return files;
    }

    private Map<String, Path> layoutQuietly(Path staging) throws IOException {
        return collect(staging);
    }

    /**
     * The newest staged file of each artifact, classifier and extension. Snapshot deployments name
     * files with a timestamp ({@code bbq-core-0.1.0-20261203.101500-1-sources.jar}); releases do not.
     */
    private static Map<String, Path> collect(Path staging) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        Path group = staging.resolve("dev/bbq");
        if (!Files.isDirectory(group)) {
            return files;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(group)) {
            all = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : all) {
            String artifact = group.relativize(file).getName(0).toString();
            String name = file.getFileName().toString();
            if (!name.startsWith(artifact + "-") || name.contains("maven-metadata")) {
                continue;
            }
            String extension = name.endsWith(".jar.asc") ? ".jar.asc" : name.endsWith(".jar") ? ".jar"
                    : name.endsWith(".pom") ? ".pom" : null;
            if (extension == null) {
                continue; // checksums, other signatures
            }
            String stem = name.substring(0, name.length() - extension.length());
            String classifier = stem.endsWith("-sources") ? "sources" : stem.endsWith("-javadoc") ? "javadoc" : "";
            files.put(artifact + ":" + classifier + extension, file); // sorted: the newest timestamp wins
        }
        return files;
    }

    private void checkPom(String id, Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        Element project = doc.getDocumentElement();
        for (String field : new String[] {"name", "description", "url"}) {
            ok(!text(project, field).isBlank(), id + " POM has <" + field + ">");
        }
        ok(text(child(project, "licenses"), "license", "name").equals("Apache-2.0")
                && !text(child(project, "licenses"), "license", "url").isBlank(),
                id + " POM names the license (Apache-2.0, with its url)");
        ok(!text(project, "url").endsWith("/" + id) && !text(child(project, "scm"), "connection").endsWith("/" + id),
                id + " POM's url and scm name the project, not a module path under it");
        Element scm = child(project, "scm");
        ok(!text(scm, "url").isBlank() && !text(scm, "connection").isBlank(), id + " POM has <scm> url and connection");
        ok(!text(child(project, "developers"), "developer", "name").isBlank(), id + " POM has <developers>");
        ok(!text(child(project, "issueManagement"), "url").isBlank(), id + " POM has <issueManagement>");
        ok(child(project, "parent") == null, id + " POM names no parent (flattened: the parent is not published)");
        ok(!text(project, "version").contains("${"), id + " POM's version is resolved");
        if (id.equals("bbq-bom")) {
            Element deps = child(child(project, "dependencyManagement"), "dependencies");
            TreeSet<String> managed = new TreeSet<>();
            boolean versioned = true;
            if (deps != null) {
                NodeList list = deps.getElementsByTagName("dependency");
                for (int i = 0; i < list.getLength(); i++) {
                    Element dep = (Element) list.item(i);
                    managed.add(text(dep, "groupId") + ":" + text(dep, "artifactId"));
                    versioned &= text(dep, "version").equals(text(project, "version"));
                }
            }
            ok(managed.equals(new TreeSet<>(List.of("dev.bbq:bbq-core", "dev.bbq:bbq-metrics", "dev.bbq:bbq-mqtt",
                    "dev.bbq:bbq-pi4j",
                    "dev.bbq:bbq-serial"))),
                    "bbq-bom manages exactly the libraries: " + managed);
            ok(versioned, "bbq-bom pins each library to its own version");
        } else {
            String deps = doc.getElementsByTagName("dependencies").getLength() == 0 ? ""
                    : ((Element) doc.getElementsByTagName("dependencies").item(0)).getTextContent();
            ok(!deps.contains("junit") && !deps.contains("jqwik") && !deps.contains("jazzer"),
                    id + " POM carries no test dependency");
        }
    }

    private void checkJar(String name, Path jar, boolean main) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            ok(file.getEntry("META-INF/LICENSE") != null && file.getEntry("META-INF/NOTICE") != null,
                    name + " carries META-INF/LICENSE and META-INF/NOTICE");
            if (main) {
                Manifest manifest = file.getManifest();
                String mainClass = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
                ok(mainClass == null, name + " has no Main-Class (command-line tools live in the examples jar)");
                ok(file.getEntry("module-info.class") != null, name + " is a named module (module-info.class)");
                boolean mains = file.stream().anyMatch(e -> e.getName().endsWith("Main.class"));
                ok(!mains, name + " holds no *Main class");
            } else {
                ok(file.size() > 2, name + " is not empty (" + file.size() + " entries)");
            }
        }
    }

    private void reproducible(Map<String, Path> first, Map<String, Path> second) throws Exception {
        for (Map.Entry<String, Path> e : first.entrySet()) {
            if (!e.getKey().endsWith(".jar")) {
                continue;
            }
            Path other = second.get(e.getKey());
            if (other == null) {
                ok(false, e.getKey() + " is in both builds");
                continue;
            }
            String a = sha256(e.getValue());
            String b = sha256(other);
            ok(a.equals(b), e.getKey() + " is byte-identical in two clean builds (sha256 " + a.substring(0, 16)
                    + (a.equals(b) ? "" : " vs " + b.substring(0, 16)) + ")");
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNodeName().equals(name)) {
                return (Element) n;
            }
        }
        return null;
    }

    private static String text(Element parent, String... path) {
        Element e = parent;
        for (String name : path) {
            e = child(e, name);
        }
        return e == null ? "" : e.getTextContent().trim();
    }
}
