package dev.wnd.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which announced paths a scorer may load: only versions directly in its model directory. */
class ModelDirectoryGuardTest {

    private static final String V = "snap-0000000007-s3";

    @TempDir
    Path work;

    @Test
    void shouldLocateAVersionInTheModelDirectoryByAnyPathThatReallyLeadsThere() throws Exception {
        Path models = Files.createDirectories(work.resolve("models"));
        Files.createDirectory(models.resolve(V));
        Path alias = Files.createSymbolicLink(work.resolve("alias"), models);
        ModelDirectoryGuard guard = new ModelDirectoryGuard(models);

        Path real = models.toRealPath().resolve(V);
        assertThat(guard.locate(models.resolve(V).toString(), V)).isEqualTo(real);
        assertThat(guard.locate(models + "/../models/" + V, V)).isEqualTo(real);
        assertThat(guard.locate(alias.resolve(V).toString(), V)).as("a link to the directory itself").isEqualTo(real);
        guard.requireExists(real);
    }

    @Test
    void shouldRefuseEveryPathThatLeadsElsewhereOrIsNoVersion() throws Exception {
        Path models = Files.createDirectories(work.resolve("models"));
        Path outside = Files.createDirectories(work.resolve("outside").resolve(V));
        Files.createSymbolicLink(models.resolve(V), outside);
        ModelDirectoryGuard guard = new ModelDirectoryGuard(models);

        refused(guard, outside.toString(), V, ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY, "not in the model directory");
        refused(guard, models + "/../outside/" + V, V, ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY,
                "not in the model directory");
        refused(guard, models.resolve(V).toString(), V, ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY,
                "a symbolic link");
        refused(guard, "/", V, ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY, "not a version directory");
        refused(guard, "/" + V, V, ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY, "not in the model directory");
        refused(guard, "", V, ModelRefusal.Cause.MALFORMED, "names no path");
        refused(guard, models + "/a\u0000b", V, ModelRefusal.Cause.MALFORMED, "not a path");
        refused(guard, models.resolve("manifest.json").toString(), "manifest.json", ModelRefusal.Cause.MALFORMED,
                "not a model version");
        refused(guard, models.resolve("snap-0000000008-s3").toString(), V, ModelRefusal.Cause.MALFORMED,
                "announced as version " + V);
        Path missing = guard.locate(models.resolve("snap-0000000009-s3").toString(), "snap-0000000009-s3");
        assertThatThrownBy(() -> guard.requireExists(missing)).isInstanceOf(ModelRefusal.class)
                .hasMessageContaining("no such version directory");
    }

    private static void refused(ModelDirectoryGuard guard, String path, String version, ModelRefusal.Cause cause,
            String reason) {
        assertThatThrownBy(() -> guard.locate(path, version)).as(path).isInstanceOf(ModelRefusal.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((ModelRefusal) e).kind()).isEqualTo(cause));
    }
}
