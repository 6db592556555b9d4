package dev.wnd.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the modules, enforced on the main code of every module (this test sees them all: the bench module
 * depends on every other). Each rule says why it holds and how to mend a violation.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        // The other modules are jars on this class path (or their target/classes in a reactor build); their test
        // jars are left out with the test classes.
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.wnd");
    }

    @Test
    void shouldKeepTheScorerFromTheLearner() {
        noClasses().that().resideInAPackage("dev.wnd.scorer..")
                .should().dependOnClassesThat().resideInAPackage("dev.wnd.learner..")
                .because("""
                        the scorer serves what the learner wrote through the model directory and the model-versions \
                        topic only, so that either can be deployed, scaled and restarted alone; put what both need \
                        in model""")
                .check(main);
    }

    @Test
    void shouldKeepTheModelFreeOfKafkaStreamsAndTheFeatureTopology() {
        noClasses().that().resideInAPackage("dev.wnd.model..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..",
                        "dev.wnd.features.topology..", "dev.wnd.features.store..", "dev.wnd.features.streams..",
                        "dev.wnd.features.fn..", "dev.wnd.features.state..")
                .because("""
                        the model reads the feature spec (module spec) and nothing else of the features stage; a \
                        model that needs a feature function should take its result as input""")
                .check(main);
    }

    @Test
    void shouldKeepTheEvaluationFreeOfDjlAndTheModel() {
        noClasses().that().resideInAPackage("dev.wnd.eval..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "dev.wnd.model..",
                        "dev.wnd.learner..", "dev.wnd.scorer..")
                .because("""
                        the evaluation computes metrics from scores; the model under evaluation comes in as an \
                        ExamplesTopicReader.ExampleScorer, built by the command that runs it""")
                .check(main);
    }

    @Test
    void shouldLetNothingDependOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("dev.wnd.app..", "dev.wnd.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.wnd.app..")
                .because("""
                        app wires the stages into commands, and only the benchmarks, which run the stages as the \
                        commands do, build on it; a stage that needs something of app should take it as a \
                        parameter or move it into the stage's module""")
                .check(main);
    }

    @Test
    void shouldKeepBenchmarkCodeInTheBenchModule() {
        noClasses().that().resideOutsideOfPackage("dev.wnd.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.wnd.bench..")
                .because("""
                        benchmarks are measured, not shipped: the container image runs without the bench module, \
                        and the command line finds it as a CommandPlugin""")
                .check(main);
        noClasses().that().resideOutsideOfPackage("dev.wnd.bench..")
                .should().haveSimpleNameEndingWith("Benchmark")
                .because("benchmark code lives in the bench module (dev.wnd.bench), apart from what the stages run")
                .check(main);
    }

    @Test
    void shouldUseKafkaStreamsInternalsOnlyInTheStoreLayers() {
        noClasses().that().resideOutsideOfPackage("dev.wnd.features.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams.processor.internals..",
                        "org.apache.kafka.streams.state.internals..")
                .because("""
                        Streams internals change without notice between Kafka releases; dev.wnd.features.store is \
                        the one place that relies on them, and its package-info says which and why""")
                .check(main);
    }

    @Test
    void shouldKeepTheLowerModulesFromTheUpperOnes() {
        noClasses().that().resideInAnyPackage("dev.wnd.schemas..", "dev.wnd.features.spec..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wnd.ingest..", "dev.wnd.features.fn..",
                        "dev.wnd.features.topology..", "dev.wnd.model..", "dev.wnd.learner..", "dev.wnd.scorer..",
                        "dev.wnd.eval..", "dev.wnd.embedded..")
                .because("""
                        schemas and spec are what every stage shares; dependencies point one way, from the stages \
                        down to them""")
                .check(main);
        noClasses().that().resideInAPackage("dev.wnd.features..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wnd.model..", "dev.wnd.learner..",
                        "dev.wnd.scorer..", "dev.wnd.eval..", "dev.wnd.ingest..")
                .because("the features stage builds Examples; model, learner and scorer read them, not the reverse")
                .check(main);
        noClasses().that().resideInAPackage("dev.wnd.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wnd.features.fn..",
                        "dev.wnd.features.topology..", "dev.wnd.model..", "dev.wnd.learner..", "dev.wnd.scorer..")
                .because("ingest turns CSVs into raw topics and knows nothing of what reads them")
                .check(main);
    }
}
