/* pom.xml as multi-module builds write it: the project's own artifactId
 * (not its parent's), its run-time dependencies with their lines; what is
 * no dependency (dependencyManagement, a plugin's, a comment, test scope)
 * left out; a cut file read as far as it goes. And the other pool a build
 * brings, not the versions it manages. */
#include "testutil.h"

#include <string.h>

#include "config/effective.h"
#include "config/maven.h"

static const char pom[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                    /* 1 */
    "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"                         /* 2 */
    "  <parent>\n"                                                                    /* 3 */
    "    <artifactId>shop-parent</artifactId>\n"                                      /* 4 */
    "  </parent>\n"                                                                   /* 5 */
    "  <artifactId>orders</artifactId>\n"                                             /* 6 */
    "  <!-- <dependency><artifactId>commented-out</artifactId></dependency> -->\n"    /* 7 */
    "  <dependencyManagement><dependencies>\n"                                        /* 8 */
    "    <dependency><artifactId>druid-spring-boot-starter</artifactId></dependency>\n" /* 9 */
    "  </dependencies></dependencyManagement>\n"                                      /* 10 */
    "  <dependencies>\n"                                                              /* 11 */
    "    <dependency>\n"                                                              /* 12 */
    "      <groupId>com.example</groupId>\n"                                          /* 13 */
    "      <artifactId> shop-db </artifactId>\n"                                      /* 14 */
    "    </dependency>\n"                                                             /* 15 */
    "    <dependency><artifactId>junit-jupiter</artifactId><scope>test</scope></dependency>\n" /* 16 */
    "    <dependency><artifactId>shop-events</artifactId><optional/></dependency>\n"  /* 17 */
    "  </dependencies>\n"                                                             /* 18 */
    "  <build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId>\n"   /* 19 */
    "    <dependencies><dependency><artifactId>plugin-dep</artifactId></dependency></dependencies>\n"
    "  </plugin></plugins></build>\n"
    "</project>\n";

static void test_pom_names_its_module_and_dependencies(void **state)
{
    (void)state;
    pgm_maven_pom p;
    assert_int_equal(pgm_maven_pom_read(pom, strlen(pom), &p), 0);
    assert_non_null(p.artifact);
    assert_string_equal(p.artifact, "orders");
    assert_int_equal(p.n_deps, 2);
    assert_string_equal(p.deps[0].artifact, "shop-db");
    assert_int_equal(p.deps[0].line, 14);
    assert_string_equal(p.deps[1].artifact, "shop-events");
    assert_int_equal(p.deps[1].line, 17);
    pgm_maven_pom_free(&p);
    /* cut inside a dependency: what came before it */
    size_t cut = (size_t)(strstr(pom, "junit") - pom);
    assert_int_equal(pgm_maven_pom_read(pom, cut, &p), 0);
    assert_string_equal(p.artifact, "orders");
    assert_int_equal(p.n_deps, 1);
    pgm_maven_pom_free(&p);
    assert_int_equal(pgm_maven_pom_read("", 0, &p), 0);
    assert_null(p.artifact);
    assert_int_equal(p.n_deps, 0);
}

/* druid-spring-boot-starter as a dependency is the pool; managed only (a
 * parent's version), it is not. */
static void test_build_brings_druid(void **state)
{
    (void)state;
    unsigned line = 0;
    const char *why = NULL;
    assert_null(pgm_config_build_other_pool(pom, strlen(pom), &line, &why));
    static const char lib[] = "<project>\n  <artifactId>shop-db</artifactId>\n  <dependencies>\n"
                              "    <dependency><artifactId>druid-spring-boot-starter</artifactId></dependency>\n"
                              "  </dependencies>\n</project>\n";
    const char *pool = pgm_config_build_other_pool(lib, strlen(lib), &line, &why);
    assert_non_null(pool);
    assert_string_equal(pool, "Alibaba Druid");
    assert_int_equal(line, 4);
    assert_non_null(why);
    static const char gradle[] = "dependencies {\n    implementation 'com.alibaba:druid-spring-boot-3-starter:1.2.20'\n}\n";
    pool = pgm_config_build_other_pool(gradle, strlen(gradle), &line, &why);
    assert_non_null(pool);
    assert_int_equal(line, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pom_names_its_module_and_dependencies),
        cmocka_unit_test(test_build_brings_druid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
