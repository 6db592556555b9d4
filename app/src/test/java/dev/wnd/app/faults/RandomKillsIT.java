package dev.wnd.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.app.faults.PipelineUnderTest.Stage;
import dev.wnd.schemas.avro.Example;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault suite, "random kills": the whole pipeline, each stage in its own JVM, over a generated data set, while
 * {@value #KILLS} SIGKILLs hit random stages at random moments (seeded), each stage restarted at once, as a
 * container's restart policy would. Nothing may be lost or done twice: see {@link Outcome}.
 */
class RandomKillsIT {

    private static final int KILLS = 22;
    private static final long SEED = 20_261_207L;
    private static final Duration SETTLE = Duration.ofMinutes(6);

    @TempDir
    Path work;

    @Test
    void shouldLoseNothingAndDoNothingTwiceWhenRandomStagesAreKilledAndRestarted() throws Exception {
        try (PipelineUnderTest pipeline = new PipelineUnderTest(work, 1_500, 5)) {
            List<Example> expected = pipeline.referenceExamples();
            pipeline.startAll();
            Random random = new Random(SEED);
            List<String> kills = new ArrayList<>();
            for (int i = 0; i < KILLS; i++) {
                Thread.sleep(1_000 + random.nextInt(4_000));
                Stage victim = Stage.values()[random.nextInt(Stage.values().length)];
                kills.add(victim.name().toLowerCase());
                pipeline.killAndRestart(victim);
            }
            System.out.println("random kills, in order: " + kills);

            Outcome.await(pipeline, expected, SETTLE);
            Outcome.assertNothingLostNothingTwice(pipeline, expected);
        }
    }
}
