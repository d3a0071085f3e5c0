package dev.warden.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency arrows of the design true: fronts -> engine -> (policy, guard, sandbox,
 * journal, audit, action) -> store. Actions know nothing of fronts or the engine.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.warden");
    }

    @Test
    void noCyclesBetweenTopLevelPackages() {
        slices().matching("dev.warden.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void nothingButTheCompositionRootAndTheCliDependsOnFronts() {
        noClasses().that().resideOutsideOfPackages("dev.warden.app..", "dev.warden.cli..", "dev.warden.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.warden.api..", "dev.warden.cli..", "dev.warden.app..")
                .check(classes);
    }

    @Test
    void theMcpFrontReachesThePipelineOnlyThroughTheEngine() {
        noClasses().that().resideInAPackage("dev.warden.api.mcp..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.actions..", "dev.warden.guard..", "dev.warden.sandbox..", "dev.warden.policy..",
                        "dev.warden.journal..", "dev.warden.audit..", "dev.warden.store..", "dev.warden.app..")
                .check(classes);
    }

    @Test
    void theRestFrontKnowsNothingOfTheMcpFront() {
        noClasses().that().resideInAPackage("dev.warden.api.rest..")
                .should().dependOnClassesThat().resideInAPackage("dev.warden.api.mcp..")
                .check(classes);
    }

    @Test
    void theCompositionRootIsUsedOnlyByTheCli() {
        noClasses().that().resideOutsideOfPackages("dev.warden.app..", "dev.warden.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.warden.app..")
                .check(classes);
    }

    @Test
    void actionsDependOnlyOnTheActionApiGuardsAndSandbox() {
        noClasses().that().resideInAPackage("dev.warden.actions..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.policy..", "dev.warden.audit..", "dev.warden.journal..",
                        "dev.warden.store..", "dev.warden.identity..", "dev.warden.config..")
                .check(classes);
    }

    @Test
    void theActionApiStandsAlone() {
        noClasses().that().resideInAPackage("dev.warden.action")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.policy..", "dev.warden.audit..", "dev.warden.journal..",
                        "dev.warden.store..", "dev.warden.guard..", "dev.warden.sandbox..", "dev.warden.actions..")
                .check(classes);
    }

    @Test
    void theEngineDoesNotKnowConcreteActions() {
        noClasses().that().resideInAPackage("dev.warden.engine..")
                .should().dependOnClassesThat().resideInAPackage("dev.warden.actions..")
                .check(classes);
    }

    @Test
    void previewsKnowNeitherTheEngineNorActionsNorPolicy() {
        noClasses().that().resideInAPackage("dev.warden.preview..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.actions..", "dev.warden.policy..", "dev.warden.journal..",
                        "dev.warden.audit..", "dev.warden.guard..")
                .check(classes);
    }

    @Test
    void theSandboxKnowsNoPolicyStorageOrActions() {
        noClasses().that().resideInAPackage("dev.warden.sandbox..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.actions..", "dev.warden.policy..", "dev.warden.store..",
                        "dev.warden.preview..", "dev.warden.journal..")
                .check(classes);
    }

    @Test
    void storageKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("dev.warden.store..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.policy..", "dev.warden.audit..", "dev.warden.journal..",
                        "dev.warden.guard..", "dev.warden.sandbox..", "dev.warden.action..", "dev.warden.actions..",
                        "dev.warden.identity..")
                .check(classes);
    }

    @Test
    void theJobMachineryKnowsNothingOfTheEngineTheFrontsOrTheActions() {
        noClasses().that().resideInAPackage("dev.warden.jobs..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.policy..", "dev.warden.audit..", "dev.warden.journal..",
                        "dev.warden.identity..", "dev.warden.actions..", "dev.warden.guard..", "dev.warden.api..",
                        "dev.warden.cli..", "dev.warden.app..")
                .check(classes);
    }

    @Test
    void theMachineProbeAndTheMonitorKnowNothingOfThePipelineOrTheFronts() {
        // The monitor reads samples and reports alerts; who may watch is decided where a front calls sys.metrics.
        noClasses().that().resideInAnyPackage("dev.warden.system..", "dev.warden.monitor..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.engine..", "dev.warden.audit..", "dev.warden.journal..", "dev.warden.store..",
                        "dev.warden.identity..", "dev.warden.actions..", "dev.warden.api..", "dev.warden.cli..",
                        "dev.warden.app..", "dev.warden.webhook..")
                .check(classes);
    }

    @Test
    void theLlmLayerKnowsNeitherTheFrontsNorThePipeline() {
        // The agent is a front built on llm and the engine; llm itself only talks to models.
        noClasses().that().resideInAPackage("dev.warden.llm..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.warden.api..", "dev.warden.cli..", "dev.warden.app..", "dev.warden.engine..",
                        "dev.warden.policy..", "dev.warden.store..", "dev.warden.audit..", "dev.warden.journal..",
                        "dev.warden.action..", "dev.warden.actions..", "dev.warden.metrics..")
                .check(classes);
    }

    @Test
    void onlyTheLlmLayerSeesLangChain4jAndResilience4j() {
        noClasses().that().resideOutsideOfPackage("dev.warden.llm..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.langchain4j..", "io.github.resilience4j..")
                .check(classes);
    }
}
