package dev.wnd.schemas.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory's lock within one process (across processes: the learner's and the CLI's fault tests). */
class DirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondHolderInTheSameProcessThroughAnyPathAndKeepTheFirstsLock() throws Exception {
        try (DirectoryLock first = DirectoryLock.acquire(dir.resolve("d"), "x.lock", "first")) {
            assertThatThrownBy(() -> DirectoryLock.acquire(dir.resolve("d"), "x.lock", "second"))
                    .isInstanceOf(DirectoryLock.LockedException.class)
                    .hasMessageContaining("first (this process)");
            assertThatThrownBy(() -> DirectoryLock.acquire(dir.resolve("d/../d"), "x.lock", "third"))
                    .isInstanceOf(DirectoryLock.LockedException.class);
            assertThat(DirectoryLock.recordedHolder(dir.resolve("d"), "x.lock")).contains("first");
            assertThat(first.holder()).isEqualTo("first");
        }
        try (DirectoryLock again = DirectoryLock.acquire(dir.resolve("d"), "x.lock", "again")) {
            assertThat(again.file()).hasFileName("x.lock").exists();
            again.close();
            again.close(); // idempotent
        }
    }

    @Test
    void shouldDescribeThisProcessByPid() {
        assertThat(DirectoryLock.describeThisProcess()).startsWith("pid " + ProcessHandle.current().pid()).contains(", started ");
    }
}
