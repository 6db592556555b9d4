package dev.wnd.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The model feed's mailbox of one: the applier only ever sees the newest version offered since it last looked. */
class NewestOnlyTest {

    @Test
    void shouldHoldOnlyTheNewestOfferedItemAndHandBackTheOnesItDrops() throws Exception {
        NewestOnly<String> mailbox = new NewestOnly<>();

        assertThat(mailbox.offer("a", 2)).isNull();
        assertThat(mailbox.offer("b", 3)).as("a newer item replaces the one held").isEqualTo("a");
        assertThat(mailbox.offer("c", 1)).as("an older item is dropped itself").isEqualTo("c");
        assertThat(mailbox.offer("d", 3)).as("so is one of the same rank").isEqualTo("d");
        assertThat(mailbox.take()).isEqualTo("b");
        assertThat(mailbox.poll()).isNull();
        assertThat(mailbox.offer("e", 1)).as("after a take, any rank is welcome").isNull();
        assertThat(mailbox.poll()).isEqualTo("e");
    }

    @Test
    void shouldWakeAWaitingTakeWithTheNextItemAndWithNullWhenClosed() throws Exception {
        NewestOnly<String> mailbox = new NewestOnly<>();
        Thread offerer = new Thread(() -> {
            pause();
            mailbox.offer("x", 1);
        });
        offerer.start();
        assertThat(mailbox.take()).isEqualTo("x");
        offerer.join();

        Thread closer = new Thread(() -> {
            pause();
            mailbox.close();
        });
        closer.start();
        assertThat(mailbox.take()).isNull();
        closer.join();
        assertThat(mailbox.offer("y", 9)).as("dropped once closed").isEqualTo("y");
        assertThat(mailbox.take()).isNull();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
