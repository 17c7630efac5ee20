package dev.loraq.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/architecture.md that a compiler does not check: no cycle between any two packages, and no
 * module reaching up or sideways (the engine knows no Kafka, the online front door only the engine and the shared
 * OpenAI HTTP parts, those parts no loraq module, the Batch API only the tools, schemas and those parts, the service
 * knows no tools or ops, the contract in
 * schemas knows nobody). Reads the main classes of every module on this module's test class path.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.loraq");
    }

    @Test
    void noTwoPackagesImportEachOther() {
        // One slice per package (root packages included), so a cycle through any two packages fails.
        slices().matching("dev.loraq.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEngineKnowsNoKafkaAndNoOtherModule() {
        noClasses().that().resideInAPackage("dev.loraq.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "dev.loraq.schemas..",
                        "dev.loraq.service..", "dev.loraq.online..", "dev.loraq.tools..", "dev.loraq.stack..", "dev.loraq.ops..",
                        "dev.loraq.reliability..", "dev.loraq.quickstart..", "dev.loraq.openai..", "dev.loraq.batchapi..")
                .check(classes);
    }

    @Test
    void theOnlineFrontDoorKnowsOnlyTheEngineAndTheSharedHttpParts() {
        noClasses().that().resideInAPackage("dev.loraq.online..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "dev.loraq.schemas..",
                        "dev.loraq.service..", "dev.loraq.tools..", "dev.loraq.stack..", "dev.loraq.ops..",
                        "dev.loraq.reliability..", "dev.loraq.quickstart..", "dev.loraq.batchapi..")
                .check(classes);
    }

    @Test
    void theSharedOpenAiHttpPartsKnowNoKafkaAndNoLoraqModule() {
        noClasses().that().resideInAPackage("dev.loraq.openai..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "dev.loraq.engine..",
                        "dev.loraq.schemas..", "dev.loraq.service..", "dev.loraq.online..", "dev.loraq.tools..",
                        "dev.loraq.batchapi..", "dev.loraq.stack..", "dev.loraq.ops..", "dev.loraq.reliability..",
                        "dev.loraq.quickstart..")
                .check(classes);
    }

    @Test
    void theBatchApiKnowsOnlyTheToolsSchemasAndTheSharedHttpParts() {
        noClasses().that().resideInAPackage("dev.loraq.batchapi..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loraq.engine..", "dev.loraq.service..",
                        "dev.loraq.online..", "dev.loraq.stack..", "dev.loraq.ops..", "dev.loraq.reliability..",
                        "dev.loraq.quickstart..")
                .check(classes);
    }

    @Test
    void theContractInSchemasKnowsNoModuleThatUsesIt() {
        noClasses().that().resideInAPackage("dev.loraq.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loraq.engine..", "dev.loraq.service..",
                        "dev.loraq.online..", "dev.loraq.tools..", "dev.loraq.stack..", "dev.loraq.ops..",
                        "dev.loraq.reliability..", "dev.loraq.quickstart..", "dev.loraq.openai..", "dev.loraq.batchapi..")
                .check(classes);
    }

    @Test
    void theServiceNeverImportsToolsOpsOrTheEmbeddedStack() {
        noClasses().that().resideInAPackage("dev.loraq.service..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loraq.tools..", "dev.loraq.stack..",
                        "dev.loraq.ops..", "dev.loraq.reliability..", "dev.loraq.quickstart..", "dev.loraq.batchapi..")
                .check(classes);
    }

    @Test
    void theToolsNeverImportTheEngineTheServiceOrOps() {
        noClasses().that().resideInAPackage("dev.loraq.tools..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loraq.engine..", "dev.loraq.service..",
                        "dev.loraq.online..", "dev.loraq.stack..", "dev.loraq.ops..", "dev.loraq.reliability..",
                        "dev.loraq.quickstart..", "dev.loraq.openai..", "dev.loraq.batchapi..")
                .check(classes);
    }
}
