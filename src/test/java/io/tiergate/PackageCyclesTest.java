package io.tiergate;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies between tiergate's packages point one way, down the layers: no two packages reach each other. */
class PackageCyclesTest {

    @Test
    void tiergatePackagesFormNoCycle() {
        // Main classes only: tests may reach across packages to build fixtures.
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tiergate");

        slices().matching("io.tiergate.(*)..").should().beFreeOfCycles().check(main);
    }
}
