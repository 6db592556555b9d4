package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirLockTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondHolderNamingTheFirstsPid() {
        try (WorkDirLock first = WorkDirLock.claim(dir)) {
            assertThatThrownBy(() -> WorkDirLock.claim(dir))
                    .isInstanceOf(WorkDirLock.WorkDirBusyException.class)
                    .hasMessageContaining("is in use by")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("--work-dir");
        }
    }

    @Test
    void shouldBeFreeAgainOnceReleased() {
        WorkDirLock.claim(dir).close();
        try (WorkDirLock again = WorkDirLock.claim(dir)) {
            assertThat(again.dir()).isEqualTo(dir);
        }
    }

    @Test
    void shouldResetEverythingButItsLockFile() throws Exception {
        Files.createDirectories(dir.resolve("cluster/kafka"));
        Files.writeString(dir.resolve("data.csv"), "x");
        try (WorkDirLock lock = WorkDirLock.claim(dir)) {
            lock.resetContents();
            try (var left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly(WorkDirLock.FILE);
            }
        }
    }

    @Test
    void shouldCreateAMissingWorkDirectory() {
        Path fresh = dir.resolve("a/b");
        try (WorkDirLock lock = WorkDirLock.claim(fresh)) {
            assertThat(Files.isDirectory(fresh)).isTrue();
        }
    }
}
