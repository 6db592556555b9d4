package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaStoreTest {

    static final Schema V1 = SchemaStore.parse(EmbeddedSchemaRegistryIT.USER_V1);
    static final Schema NO_DEFAULT = SchemaStore.parse(EmbeddedSchemaRegistryIT.USER_NO_DEFAULT);
    static final Schema V2 = SchemaStore.parse(EmbeddedSchemaRegistryIT.USER_V2);

    private final SchemaStore store = new SchemaStore();

    @Test
    void shouldHandOutIdsAfterTheHighestSeen() {
        assertThat(store.idFor(V1)).isEqualTo(1);
        store.applySchema("a", 1, 7, V1);

        assertThat(store.idFor(V1)).isEqualTo(7);
        assertThat(store.idFor(V2)).isEqualTo(8);
        assertThat(store.nextVersion("a")).isEqualTo(2);
        assertThat(store.nextVersion("b")).isEqualTo(1);
    }

    @Test
    void shouldDefaultToBackwardAndPreferSubjectLevel() {
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);
        store.applyConfig(null, CompatibilityLevel.FULL);
        store.applyConfig("s", CompatibilityLevel.NONE);

        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(store.effectiveLevel("t")).isEqualTo(CompatibilityLevel.FULL);
        store.applyConfig("s", null);
        assertThat(store.subjectLevel("s")).isEmpty();
    }

    @Test
    void shouldRejectFieldWithoutDefaultUnderBackward() {
        store.applySchema("s", 1, 1, V1);

        assertThat(store.incompatibilities("s", NO_DEFAULT)).isNotEmpty();
        assertThat(store.incompatibilities("s", V2)).isEmpty();
    }

    @Test
    void shouldCheckOnlyLatestUnlessTransitive() {
        // v1: id only; v2: + country with default; candidate: country without default, id removed... keep simple:
        // candidate reads v2 data (has country) but not v1 data (no country, no default)
        Schema countryNoDefault = SchemaStore.parse("""
                {"type":"record","name":"User","namespace":"dev.wnd.test","fields":[
                  {"name":"id","type":"long"},{"name":"country","type":"string"}]}""");
        store.applyConfig("s", CompatibilityLevel.NONE);
        store.applySchema("s", 1, 1, V1);
        store.applySchema("s", 2, 2, V2);

        store.applyConfig("s", CompatibilityLevel.BACKWARD);
        assertThat(store.incompatibilities("s", countryNoDefault)).isEmpty();
        store.applyConfig("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(store.incompatibilities("s", countryNoDefault)).isNotEmpty();
    }

    @Test
    void shouldTreatDifferentlyFormattedSchemasAsEqual() {
        store.applySchema("s", 1, 1, V1);

        Schema reformatted = SchemaStore.parse(EmbeddedSchemaRegistryIT.USER_V1.replace("\n", "  "));
        assertThat(store.find("s", reformatted)).map(SchemaStore.Version::id).contains(1);
        assertThat(store.idFor(reformatted)).isEqualTo(1);
    }

    @Test
    void shouldForgetRemovedVersionsButKeepTheirIds() {
        store.applySchema("s", 1, 1, V1);
        store.removeVersion("s", 1);

        assertThat(store.subjects()).isEmpty();
        assertThat(store.idFor(V2)).isEqualTo(2);
    }

    @Test
    void shouldRejectInvalidSchemaWith42201() {
        assertThatThrownBy(() -> SchemaStore.parse("{\"type\":\"nope\"}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.httpStatus).isEqualTo(422);
                    assertThat(e.errorCode).isEqualTo(42201);
                });
        assertThatThrownBy(() -> SchemaStore.parse(" ")).isInstanceOf(RegistryException.class);
    }

    @Test
    void shouldParseCompatibilityLevelsCaseInsensitively() {
        assertThat(CompatibilityLevel.parse("full_transitive")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(CompatibilityLevel.parse("sideways")).isEmpty();
        assertThat(CompatibilityLevel.parse(null)).isEmpty();
    }
}
