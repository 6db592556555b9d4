package dev.wnd.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model directory's lock within one process (across processes: the learner's LearnerFaultIT). */
class ModelDirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondHolderInTheSameProcessNamingItAndFreeTheDirectoryOnClose() throws Exception {
        long me = ProcessHandle.current().pid();
        try (ModelDirectoryLock first = ModelDirectoryLock.acquire(dir.resolve("models"))) {
            assertThat(first.holder()).startsWith("pid " + me).contains(", started ");
            assertThatThrownBy(() -> ModelDirectoryLock.acquire(dir.resolve("models")))
                    .isInstanceOf(ModelDirectoryLock.ModelDirectoryLockedException.class)
                    .hasMessageContaining("in use by another learner (pid " + me)
                    .hasMessageContaining("(this process)");
            // through another path to the same directory too
            assertThatThrownBy(() -> ModelDirectoryLock.acquire(dir.resolve("models/../models")))
                    .isInstanceOf(ModelDirectoryLock.ModelDirectoryLockedException.class);
            assertThat(ModelDirectoryLock.recordedHolder(dir.resolve("models"))).contains(first.holder());
        }
        try (ModelDirectoryLock again = ModelDirectoryLock.acquire(dir.resolve("models"))) {
            assertThat(again.file()).hasFileName(ModelDirectoryLock.LOCK_FILE).exists();
            again.close();
            again.close(); // idempotent
        }
    }
}
