      *================================================================*
      * HAZYTEST: the COBOL binding's suite (bindings/cobol/run-tests. *
      * sh builds and runs it inside tests/stack/stack.py). It tests   *
      * the binding's own layer, HAZY.cpy and HAZYLIB.cbl, through the *
      * real library against Keycloak and the Hub simulator:           *
      *   status_names    each HAZY-STATUS-... 88 against              *
      *                   hazy_status_name                             *
      *   state_names     each HAZY-STATE-... 88 against               *
      *                   hazy_state_name                              *
      *   exit_codes      HAZYEXIT against the `hazy` command's table  *
      *   strings         HAZYTOC, HAZYFRC and HAZYLOAD                *
      *   happy_path      options, authenticate, train, wait with a    *
      *                   COBOL callback and a 64-bit timeout          *
      *   wrong_secret    AUTH                                         *
      *   missing_scope   FORBIDDEN, the scope named                   *
      *   wait_timeout    TIMEOUT                                      *
      *   missing_field   VALIDATION, the field named                  *
      * Each case frees what it made. Results go to stdout and, as     *
      * JUnit XML, to the file named by HAZY_COBOL_REPORT, which       *
      * tests/common/verdict.py reads. Inputs, from the environment:   *
      *   HAZY_TEST_HUB_URL, HAZY_TEST_TOKEN_URL, HAZY_TEST_CLIENT_ID, *
      *   HAZY_TEST_CLIENT_SECRET, HAZY_TEST_NO_TRAIN_CLIENT_ID,       *
      *   HAZY_TEST_NO_TRAIN_CLIENT_SECRET (tests/stack/stack.py);     *
      *   HAZY_COBOL_CONFIG       a valid training config              *
      *   HAZY_COBOL_BAD_CONFIG   one without data_schema              *
      *   HAZY_COBOL_PROJECT      a project id prefix of this run;     *
      *                           PREFIX-slow has 60 s jobs            *
      *   HAZY_COBOL_EXIT_TABLE   "NAME CODE" lines from `hazy --help` *
      *================================================================*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HAZYTEST.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT REPORT-FILE ASSIGN TO WS-REPORT-PATH
               ORGANIZATION IS LINE SEQUENTIAL
               FILE STATUS IS WS-FILE-STATUS.
           SELECT EXIT-TABLE ASSIGN TO WS-EXIT-TABLE-PATH
               ORGANIZATION IS LINE SEQUENTIAL
               FILE STATUS IS WS-FILE-STATUS.
       DATA DIVISION.
       FILE SECTION.
       FD  REPORT-FILE.
       01  REPORT-LINE                 PIC X(2400).
       FD  EXIT-TABLE.
       01  EXIT-TABLE-LINE             PIC X(80).
       WORKING-STORAGE SECTION.
       COPY HAZY.
      * A second copy: EXPECT-STATUS, with its own level-88 names,
      * holds the status a call should return.
       COPY HAZY REPLACING LEADING ==HAZY-== BY ==EXPECT-==.
       01  WS-FILE-STATUS              PIC XX.
       01  WS-REPORT-PATH              PIC X(4096).
       01  WS-EXIT-TABLE-PATH          PIC X(4096).

      * The environment.
       01  WS-HUB-URL                  PIC X(1024).
       01  WS-TOKEN-URL                PIC X(1024).
       01  WS-API-ID                   PIC X(256).
       01  WS-API-SECRET               PIC X(256).
       01  WS-NO-TRAIN-ID              PIC X(256).
       01  WS-NO-TRAIN-SECRET          PIC X(256).
       01  WS-CONFIG-PATH              PIC X(4096).
       01  WS-BAD-CONFIG-PATH          PIC X(4096).
      * The config LOAD-CONFIG reads: WS-CONFIG-PATH unless a case
      * says otherwise.
       01  WS-LOAD-PATH                PIC X(4096).
       01  WS-PROJECT-PREFIX           PIC X(200).

      * The case being run, and its outcome.
       01  WS-CASE-NAME                PIC X(40).
       01  WS-CASE-OK                  PIC X VALUE "Y".
           88  CASE-PASSED                       VALUE "Y".
           88  CASE-FAILED                       VALUE "N".
       01  WS-FAIL-MSG                 PIC X(1024).
       01  WS-PASSED                   PIC 9(4) VALUE 0.
       01  WS-FAILED                   PIC 9(4) VALUE 0.
       01  WS-ESCAPED                  PIC X(2200).
       01  WS-ESC-LEN                  PIC S9(9) COMP-5.
       01  WS-I                        PIC S9(9) COMP-5.
       01  WS-J                        PIC S9(9) COMP-5.
       01  WS-CH                       PIC X.

      * A client as the cases make it: these options, then
      * hazy_client_new.
       01  WS-OPT-ID                   PIC X(256).
       01  WS-OPT-SECRET               PIC X(256).
       01  WS-KEY-Z                    PIC X(64).
       01  WS-VALUE                    PIC X(1024).
       01  WS-VALUE-Z                  PIC X(1025).

      * Calls and what they returned.
       01  WS-GOT-STATUS               PIC S9(9) COMP-5.
       01  WS-EXPECT-NAME              PIC X(32).
       01  WS-NAME                     PIC X(64).
       01  WS-TEXT                     PIC X(1024).
       01  WS-CONFIG                   PIC X(1048577).
       01  WS-CONFIG-LEN               PIC S9(9) COMP-5.
       01  WS-PROJECT-Z                PIC X(257).
       01  WS-JOB-ID-Z                 PIC X(257).
       01  WS-DONE-JOB                 USAGE POINTER VALUE NULL.
       01  WS-RC                       PIC S9(9) COMP-5.
       01  WS-NUMBER                   PIC -(9)9.
       01  WS-NUMBER2                  PIC -(9)9.

      * hazy_job_wait's userdata: what HZTSTPRG saw.
       01  WS-PROGRESS.
           05  WS-PROGRESS-CALLS       PIC S9(9) COMP-5 VALUE 0.
           05  WS-PROGRESS-STATE       PIC S9(9) COMP-5 VALUE -1.
       01  WS-PROGRESS-PTR             USAGE POINTER VALUE NULL.

      * exit_codes: the expected table, and a status's value.
       01  WS-EXIT-ROWS                PIC S9(4) COMP-5 VALUE 0.
       01  WS-EXIT-ROW OCCURS 64 TIMES.
           05  WS-EXIT-NAME            PIC X(32).
           05  WS-EXIT-CODE            PIC S9(4) COMP-5.
           05  WS-EXIT-SEEN            PIC X.
       01  WS-ROW-NAME                 PIC X(32).
       01  WS-ROW-CODE                 PIC X(8).
       01  WS-STATUS-VALUE             PIC S9(9) COMP-5.
       01  WS-EOF                      PIC X.

      * strings: the helpers' fields.
       01  WS-SHORT                    PIC X(4).
       01  WS-PADDED                   PIC X(12).
       01  WS-PADDED-Z                 PIC X(13).
       01  WS-TINY-Z                   PIC X(3).
       01  WS-PTR                      USAGE POINTER.
       01  WS-SMALL-BUF                PIC X(16).

       PROCEDURE DIVISION.
       MAIN-LINE.
           PERFORM READ-ENVIRONMENT
           OPEN OUTPUT REPORT-FILE
           IF WS-FILE-STATUS NOT = "00"
               DISPLAY "HAZYTEST: cannot write the report '"
                       FUNCTION TRIM(WS-REPORT-PATH) "'" UPON SYSERR
               MOVE 2 TO RETURN-CODE
               STOP RUN
           END-IF
           MOVE '<?xml version="1.0" encoding="UTF-8"?>' TO REPORT-LINE
           WRITE REPORT-LINE
           MOVE '<testsuite name="cobol">' TO REPORT-LINE
           WRITE REPORT-LINE

           MOVE "status_names" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "state_names" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "exit_codes" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "strings" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "happy_path" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "wrong_secret" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "missing_scope" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "wait_timeout" TO WS-CASE-NAME
           PERFORM RUN-CASE
           MOVE "missing_field" TO WS-CASE-NAME
           PERFORM RUN-CASE

           MOVE "</testsuite>" TO REPORT-LINE
           WRITE REPORT-LINE
           CLOSE REPORT-FILE
           DISPLAY "HAZYTEST: " WS-PASSED " passed, " WS-FAILED
                   " failed"
           IF WS-FAILED > 0
               MOVE 1 TO RETURN-CODE
           ELSE
               MOVE 0 TO RETURN-CODE
           END-IF
           STOP RUN.

       READ-ENVIRONMENT.
           ACCEPT WS-REPORT-PATH FROM ENVIRONMENT "HAZY_COBOL_REPORT"
           IF WS-REPORT-PATH = SPACES
               MOVE "cobol-report.xml" TO WS-REPORT-PATH
           END-IF
           ACCEPT WS-EXIT-TABLE-PATH
               FROM ENVIRONMENT "HAZY_COBOL_EXIT_TABLE"
           ACCEPT WS-HUB-URL FROM ENVIRONMENT "HAZY_TEST_HUB_URL"
           ACCEPT WS-TOKEN-URL FROM ENVIRONMENT "HAZY_TEST_TOKEN_URL"
           ACCEPT WS-API-ID FROM ENVIRONMENT "HAZY_TEST_CLIENT_ID"
           ACCEPT WS-API-SECRET
               FROM ENVIRONMENT "HAZY_TEST_CLIENT_SECRET"
           ACCEPT WS-NO-TRAIN-ID
               FROM ENVIRONMENT "HAZY_TEST_NO_TRAIN_CLIENT_ID"
           ACCEPT WS-NO-TRAIN-SECRET
               FROM ENVIRONMENT "HAZY_TEST_NO_TRAIN_CLIENT_SECRET"
           ACCEPT WS-CONFIG-PATH FROM ENVIRONMENT "HAZY_COBOL_CONFIG"
           ACCEPT WS-BAD-CONFIG-PATH
               FROM ENVIRONMENT "HAZY_COBOL_BAD_CONFIG"
           ACCEPT WS-PROJECT-PREFIX
               FROM ENVIRONMENT "HAZY_COBOL_PROJECT".

      *----------------------------------------------------------------*
      * One case: run it, record the outcome, free what it left.      *
      *----------------------------------------------------------------*
       RUN-CASE.
           SET CASE-PASSED TO TRUE
           MOVE SPACES TO WS-FAIL-MSG
           MOVE WS-CONFIG-PATH TO WS-LOAD-PATH
           EVALUATE WS-CASE-NAME
               WHEN "status_names"  PERFORM CASE-STATUS-NAMES
               WHEN "state_names"   PERFORM CASE-STATE-NAMES
               WHEN "exit_codes"    PERFORM CASE-EXIT-CODES
               WHEN "strings"       PERFORM CASE-STRINGS
               WHEN "happy_path"    PERFORM CASE-HAPPY-PATH
               WHEN "wrong_secret"  PERFORM CASE-WRONG-SECRET
               WHEN "missing_scope" PERFORM CASE-MISSING-SCOPE
               WHEN "wait_timeout"  PERFORM CASE-WAIT-TIMEOUT
               WHEN "missing_field" PERFORM CASE-MISSING-FIELD
           END-EVALUATE
           PERFORM FREE-ALL
           PERFORM RECORD-RESULT.

       FREE-ALL.
           CALL "hazy_job_free" USING BY VALUE HAZY-JOB
           CALL "hazy_job_free" USING BY VALUE WS-DONE-JOB
           CALL "hazy_error_free" USING BY VALUE HAZY-ERROR
           CALL "hazy_options_free" USING BY VALUE HAZY-OPTIONS
           CALL "hazy_free" USING BY VALUE HAZY-CLIENT
           SET HAZY-JOB WS-DONE-JOB HAZY-ERROR HAZY-OPTIONS
               HAZY-CLIENT TO NULL.

       RECORD-RESULT.
           MOVE SPACES TO REPORT-LINE
           IF CASE-PASSED
               ADD 1 TO WS-PASSED
               DISPLAY "ok   " FUNCTION TRIM(WS-CASE-NAME)
               STRING '<testcase classname="cobol" name="'
                      FUNCTION TRIM(WS-CASE-NAME) '"/>'
                      DELIMITED BY SIZE INTO REPORT-LINE
           ELSE
               ADD 1 TO WS-FAILED
               DISPLAY "FAIL " FUNCTION TRIM(WS-CASE-NAME) ": "
                       FUNCTION TRIM(WS-FAIL-MSG)
               PERFORM XML-ESCAPE
               STRING '<testcase classname="cobol" name="'
                      FUNCTION TRIM(WS-CASE-NAME)
                      '"><failure message="'
                      WS-ESCAPED(1:WS-ESC-LEN)
                      '"/></testcase>'
                      DELIMITED BY SIZE INTO REPORT-LINE
           END-IF
           WRITE REPORT-LINE.

      * WS-FAIL-MSG, trimmed, with & < > " escaped, into WS-ESCAPED.
       XML-ESCAPE.
           MOVE SPACES TO WS-ESCAPED
           MOVE 0 TO WS-ESC-LEN
           MOVE LENGTH OF WS-FAIL-MSG TO WS-J
           PERFORM UNTIL WS-J < 2 OR WS-FAIL-MSG(WS-J:1) NOT = SPACE
               SUBTRACT 1 FROM WS-J
           END-PERFORM
           PERFORM VARYING WS-I FROM 1 BY 1 UNTIL WS-I > WS-J
               MOVE WS-FAIL-MSG(WS-I:1) TO WS-CH
               EVALUATE WS-CH
                   WHEN "&"
                       MOVE "&amp;" TO WS-ESCAPED(WS-ESC-LEN + 1:5)
                       ADD 5 TO WS-ESC-LEN
                   WHEN "<"
                       MOVE "&lt;" TO WS-ESCAPED(WS-ESC-LEN + 1:4)
                       ADD 4 TO WS-ESC-LEN
                   WHEN ">"
                       MOVE "&gt;" TO WS-ESCAPED(WS-ESC-LEN + 1:4)
                       ADD 4 TO WS-ESC-LEN
                   WHEN '"'
                       MOVE "&quot;" TO WS-ESCAPED(WS-ESC-LEN + 1:6)
                       ADD 6 TO WS-ESC-LEN
                   WHEN OTHER
                       MOVE WS-CH TO WS-ESCAPED(WS-ESC-LEN + 1:1)
                       ADD 1 TO WS-ESC-LEN
               END-EVALUATE
           END-PERFORM
           IF WS-ESC-LEN = 0
               MOVE 1 TO WS-ESC-LEN
           END-IF.

      * The first failure of a case is the one reported.
       FAIL-CASE.
           IF CASE-PASSED
               SET CASE-FAILED TO TRUE
               MOVE WS-TEXT TO WS-FAIL-MSG
           END-IF.

      *----------------------------------------------------------------*
      * status_names, state_names: every level-88 value of HAZY.cpy   *
      * is the library's (a wrong VALUE names another status).         *
      *----------------------------------------------------------------*
       CASE-STATUS-NAMES.
           SET HAZY-STATUS-OK TO TRUE
           MOVE "OK" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-INVALID-ARGUMENT TO TRUE
           MOVE "INVALID_ARGUMENT" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-AUTH TO TRUE
           MOVE "AUTH" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-FORBIDDEN TO TRUE
           MOVE "FORBIDDEN" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-NOT-FOUND TO TRUE
           MOVE "NOT_FOUND" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-VALIDATION TO TRUE
           MOVE "VALIDATION" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-NETWORK TO TRUE
           MOVE "NETWORK" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-TIMEOUT TO TRUE
           MOVE "TIMEOUT" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-TLS TO TRUE
           MOVE "TLS" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-SERVER TO TRUE
           MOVE "SERVER" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-PROTOCOL TO TRUE
           MOVE "PROTOCOL" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-CANCELLED TO TRUE
           MOVE "CANCELLED" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-JOB-FAILED TO TRUE
           MOVE "JOB_FAILED" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-PANIC TO TRUE
           MOVE "PANIC" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-INVALID-STATE TO TRUE
           MOVE "INVALID_STATE" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-CLOSED TO TRUE
           MOVE "CLOSED" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
           SET HAZY-STATUS-PROXY-AUTH TO TRUE
           MOVE "PROXY_AUTH" TO WS-EXPECT-NAME
           PERFORM CHECK-STATUS-NAME
      *    The two groups of HAZY.cpy.
           MOVE 6 TO HAZY-STATUS
           IF NOT HAZY-STATUS-RETRYABLE
               MOVE "NETWORK is not HAZY-STATUS-RETRYABLE" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
           MOVE 3 TO HAZY-STATE
           IF NOT HAZY-STATE-FINISHED
               MOVE "succeeded is not HAZY-STATE-FINISHED" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF.

       CHECK-STATUS-NAME.
           CALL "hazy_status_name" USING BY VALUE HAZY-STATUS
                                   RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT-TO-NAME
           IF WS-NAME NOT = WS-EXPECT-NAME
               MOVE HAZY-STATUS TO WS-NUMBER
               MOVE SPACES TO WS-TEXT
               STRING "HAZY-STATUS-" FUNCTION TRIM(WS-EXPECT-NAME)
                      " has VALUE " FUNCTION TRIM(WS-NUMBER)
                      ", which libhazy names "
                      FUNCTION TRIM(WS-NAME)
                      DELIMITED BY SIZE INTO WS-TEXT
               PERFORM FAIL-CASE
           END-IF.

       CASE-STATE-NAMES.
           SET HAZY-STATE-UNKNOWN TO TRUE
           MOVE "unknown" TO WS-EXPECT-NAME
           PERFORM CHECK-STATE-NAME
           SET HAZY-STATE-QUEUED TO TRUE
           MOVE "queued" TO WS-EXPECT-NAME
           PERFORM CHECK-STATE-NAME
           SET HAZY-STATE-RUNNING TO TRUE
           MOVE "running" TO WS-EXPECT-NAME
           PERFORM CHECK-STATE-NAME
           SET HAZY-STATE-SUCCEEDED TO TRUE
           MOVE "succeeded" TO WS-EXPECT-NAME
           PERFORM CHECK-STATE-NAME
           SET HAZY-STATE-FAILED TO TRUE
           MOVE "failed" TO WS-EXPECT-NAME
           PERFORM CHECK-STATE-NAME
           SET HAZY-STATE-CANCELLED TO TRUE
           MOVE "cancelled" TO WS-EXPECT-NAME
           PERFORM CHECK-STATE-NAME.

       CHECK-STATE-NAME.
           CALL "hazy_state_name" USING BY VALUE HAZY-STATE
                                  RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT-TO-NAME
           IF WS-NAME NOT = WS-EXPECT-NAME
               MOVE HAZY-STATE TO WS-NUMBER
               MOVE SPACES TO WS-TEXT
               STRING "HAZY-STATE-"
                      FUNCTION UPPER-CASE(FUNCTION TRIM(WS-EXPECT-NAME))
                      " has VALUE " FUNCTION TRIM(WS-NUMBER)
                      ", which libhazy names "
                      FUNCTION TRIM(WS-NAME)
                      DELIMITED BY SIZE INTO WS-TEXT
               PERFORM FAIL-CASE
           END-IF.

      *----------------------------------------------------------------*
      * exit_codes: for every status the library knows (its names end  *
      * at "UNKNOWN"), HAZYEXIT gives the code of `hazy --help`, and   *
      * every row of that table is a status.                           *
      *----------------------------------------------------------------*
       CASE-EXIT-CODES.
           MOVE 0 TO WS-EXIT-ROWS
           IF WS-EXIT-TABLE-PATH = SPACES
               MOVE "HAZY_COBOL_EXIT_TABLE is not set" TO WS-TEXT
               PERFORM FAIL-CASE
           ELSE
               OPEN INPUT EXIT-TABLE
               IF WS-FILE-STATUS NOT = "00"
                   MOVE "cannot read HAZY_COBOL_EXIT_TABLE" TO WS-TEXT
                   PERFORM FAIL-CASE
               ELSE
                   MOVE "N" TO WS-EOF
                   PERFORM UNTIL WS-EOF = "Y" OR WS-EXIT-ROWS = 64
                       READ EXIT-TABLE
                           AT END MOVE "Y" TO WS-EOF
                           NOT AT END PERFORM ADD-EXIT-ROW
                       END-READ
                   END-PERFORM
                   CLOSE EXIT-TABLE
               END-IF
           END-IF
           IF CASE-PASSED AND WS-EXIT-ROWS = 0
               MOVE "the exit table is empty" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
           IF CASE-PASSED
               MOVE 0 TO WS-STATUS-VALUE
               MOVE SPACES TO WS-NAME
               PERFORM UNTIL WS-NAME = "UNKNOWN"
                          OR WS-STATUS-VALUE > 255
                   CALL "hazy_status_name"
                       USING BY VALUE WS-STATUS-VALUE
                       RETURNING HAZY-TEXT-PTR
                   PERFORM COPY-TEXT-TO-NAME
                   IF WS-NAME NOT = "UNKNOWN"
                       PERFORM CHECK-EXIT-CODE
                   END-IF
                   ADD 1 TO WS-STATUS-VALUE
               END-PERFORM
               PERFORM VARYING WS-I FROM 1 BY 1
                       UNTIL WS-I > WS-EXIT-ROWS
                   IF WS-EXIT-SEEN(WS-I) NOT = "Y"
                       MOVE SPACES TO WS-TEXT
                       STRING "`hazy --help` lists "
                              FUNCTION TRIM(WS-EXIT-NAME(WS-I))
                              ", which libhazy does not name"
                              DELIMITED BY SIZE INTO WS-TEXT
                       PERFORM FAIL-CASE
                   END-IF
               END-PERFORM
           END-IF.

       ADD-EXIT-ROW.
           MOVE SPACES TO WS-ROW-NAME WS-ROW-CODE
           UNSTRING EXIT-TABLE-LINE DELIMITED BY ALL SPACE
               INTO WS-ROW-NAME WS-ROW-CODE
           IF WS-ROW-NAME NOT = SPACES
               ADD 1 TO WS-EXIT-ROWS
               MOVE WS-ROW-NAME TO WS-EXIT-NAME(WS-EXIT-ROWS)
               COMPUTE WS-EXIT-CODE(WS-EXIT-ROWS) =
                   FUNCTION NUMVAL(WS-ROW-CODE)
               MOVE "N" TO WS-EXIT-SEEN(WS-EXIT-ROWS)
           END-IF.

       CHECK-EXIT-CODE.
           CALL "HAZYEXIT" USING WS-STATUS-VALUE HAZY-EXIT-CODE
           PERFORM VARYING WS-I FROM 1 BY 1
                   UNTIL WS-I > WS-EXIT-ROWS
                      OR WS-EXIT-NAME(WS-I) = WS-NAME
               CONTINUE
           END-PERFORM
           IF WS-I > WS-EXIT-ROWS
               MOVE SPACES TO WS-TEXT
               STRING "status " FUNCTION TRIM(WS-NAME)
                      " is not in `hazy --help`'s exit codes"
                      DELIMITED BY SIZE INTO WS-TEXT
               PERFORM FAIL-CASE
           ELSE
               MOVE "Y" TO WS-EXIT-SEEN(WS-I)
               IF HAZY-EXIT-CODE NOT = WS-EXIT-CODE(WS-I)
                   MOVE HAZY-EXIT-CODE TO WS-NUMBER
                   MOVE WS-EXIT-CODE(WS-I) TO WS-NUMBER2
                   MOVE SPACES TO WS-TEXT
                   STRING "HAZYEXIT gives " FUNCTION TRIM(WS-NAME)
                          " exit code " FUNCTION TRIM(WS-NUMBER)
                          ", `hazy` gives "
                          FUNCTION TRIM(WS-NUMBER2)
                          DELIMITED BY SIZE INTO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
           END-IF.

      *----------------------------------------------------------------*
      * strings: the convention of HAZYLIB.cbl, through the library's  *
      * own strings where it has them.                                 *
      *----------------------------------------------------------------*
       CASE-STRINGS.
      *    HAZYTOC: trailing spaces dropped, X"00" appended; leading
      *    and inner spaces kept.
           MOVE " a b" TO WS-PADDED
           MOVE ALL "x" TO WS-PADDED-Z
           CALL "HAZYTOC" USING WS-PADDED
                                BY CONTENT LENGTH OF WS-PADDED
                                BY REFERENCE WS-PADDED-Z
                                BY CONTENT LENGTH OF WS-PADDED-Z
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 0 OR WS-PADDED-Z(1:5) NOT = X"2061206200"
               MOVE "HAZYTOC did not give "" a b"" and X""00"""
                   TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
      *    ... read back by HAZYFRC: the same text, its length.
           SET WS-PTR TO ADDRESS OF WS-PADDED-Z
           MOVE ALL "y" TO WS-SMALL-BUF
           CALL "HAZYFRC" USING WS-PTR WS-SMALL-BUF
                                BY CONTENT LENGTH OF WS-SMALL-BUF
                                BY REFERENCE HAZY-TEXT-LENGTH
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 0 OR HAZY-TEXT-LENGTH NOT = 4
              OR WS-SMALL-BUF NOT = " a b"
               MOVE "HAZYFRC did not read "" a b"" back, padded"
                   TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
      *    A C field with no room for X"00": refused, rc 1.
           MOVE "abc" TO WS-PADDED
           CALL "HAZYTOC" USING WS-PADDED
                                BY CONTENT LENGTH OF WS-PADDED
                                BY REFERENCE WS-TINY-Z
                                BY CONTENT LENGTH OF WS-TINY-Z
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 1 OR WS-TINY-Z(1:1) NOT = X"00"
               MOVE "HAZYTOC put ""abc"" in 3 bytes" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
      *    An X"00" inside the text: refused, rc 2.
           MOVE "ab" TO WS-PADDED
           MOVE X"00" TO WS-PADDED(2:1)
           CALL "HAZYTOC" USING WS-PADDED
                                BY CONTENT LENGTH OF WS-PADDED
                                BY REFERENCE WS-PADDED-Z
                                BY CONTENT LENGTH OF WS-PADDED-Z
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 2
               MOVE "HAZYTOC took a text holding X""00""" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
      *    HAZYFRC from the library: truncation is reported, with the
      *    full length ("INVALID_ARGUMENT" is 16 bytes).
           SET HAZY-STATUS-INVALID-ARGUMENT TO TRUE
           CALL "hazy_status_name" USING BY VALUE HAZY-STATUS
                                   RETURNING HAZY-TEXT-PTR
           CALL "HAZYFRC" USING HAZY-TEXT-PTR WS-SHORT
                                BY CONTENT LENGTH OF WS-SHORT
                                BY REFERENCE HAZY-TEXT-LENGTH
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 1 OR HAZY-TEXT-LENGTH NOT = 16
              OR WS-SHORT NOT = "INVA"
               MOVE "HAZYFRC did not report a cut string" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
      *    A NULL pointer (hazy_error_field of an error with no field):
      *    spaces, length 0.
           MOVE ALL "z" TO WS-SHORT
           CALL "HAZYFRC" USING HAZY-NULL WS-SHORT
                                BY CONTENT LENGTH OF WS-SHORT
                                BY REFERENCE HAZY-TEXT-LENGTH
           IF HAZY-TEXT-LENGTH NOT = 0 OR WS-SHORT NOT = SPACES
               MOVE "HAZYFRC of NULL is not spaces" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
      *    HAZYLOAD: a missing file (rc 1), a file too large for the
      *    field (rc 2), and the config, whole, NUL-terminated.
           MOVE "/nonexistent/hazy-cobol-test.json" TO WS-VALUE
           CALL "HAZYLOAD" USING WS-VALUE
                                 BY CONTENT LENGTH OF WS-VALUE
                                 BY REFERENCE WS-CONFIG
                                 BY CONTENT LENGTH OF WS-CONFIG
                                 BY REFERENCE WS-CONFIG-LEN
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 1
               MOVE "HAZYLOAD read a missing file" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
           CALL "HAZYLOAD" USING WS-CONFIG-PATH
                                 BY CONTENT LENGTH OF WS-CONFIG-PATH
                                 BY REFERENCE WS-SMALL-BUF
                                 BY CONTENT LENGTH OF WS-SMALL-BUF
                                 BY REFERENCE WS-CONFIG-LEN
           MOVE RETURN-CODE TO WS-RC
           IF WS-RC NOT = 2
               MOVE "HAZYLOAD put the config in 16 bytes" TO WS-TEXT
               PERFORM FAIL-CASE
           END-IF
           PERFORM LOAD-CONFIG
           IF CASE-PASSED
               IF WS-CONFIG(WS-CONFIG-LEN + 1:1) NOT = X"00"
                  OR WS-CONFIG(1:1) NOT = "{"
                   MOVE "HAZYLOAD did not NUL-terminate the config"
                       TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
           END-IF.

      *----------------------------------------------------------------*
      * happy_path: a client from options set through HAZYTOC,         *
      * authenticated, a job trained and waited for with a COBOL       *
      * progress callback. The timeout, 2**32 + 100 ms, is passed      *
      * BY VALUE SIZE 8: cut to 32 bits it would be 100 ms, and the    *
      * 3 s job would time out.                                        *
      *----------------------------------------------------------------*
       CASE-HAPPY-PATH.
           MOVE WS-API-ID TO WS-OPT-ID
           MOVE WS-API-SECRET TO WS-OPT-SECRET
           PERFORM NEW-CLIENT
           IF CASE-PASSED
               CALL "hazy_authenticate" USING BY VALUE HAZY-CLIENT
                                              BY REFERENCE HAZY-ERROR
                                        RETURNING HAZY-STATUS
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               MOVE "happy" TO WS-VALUE
               PERFORM TRAIN-JOB
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               PERFORM KEEP-JOB-ID
               MOVE 4294967396 TO HAZY-TIMEOUT-MS
               MOVE 0 TO WS-PROGRESS-CALLS
               MOVE -1 TO WS-PROGRESS-STATE
               SET HAZY-PROGRESS-FN TO ENTRY "HZTSTPRG"
               SET WS-PROGRESS-PTR TO ADDRESS OF WS-PROGRESS
               CALL "hazy_job_wait" USING BY VALUE HAZY-CLIENT
                                          BY REFERENCE WS-JOB-ID-Z
                                          BY VALUE SIZE 8
                                                   HAZY-TIMEOUT-MS
                                          BY VALUE HAZY-PROGRESS-FN
                                          BY VALUE WS-PROGRESS-PTR
                                          BY VALUE HAZY-NULL
                                          BY REFERENCE WS-DONE-JOB
                                          BY REFERENCE HAZY-ERROR
                                    RETURNING HAZY-STATUS
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               CALL "hazy_job_state" USING BY VALUE WS-DONE-JOB
                                     RETURNING HAZY-STATE
               IF NOT HAZY-STATE-SUCCEEDED
                   MOVE "the waited job did not succeed" TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
               IF WS-PROGRESS-CALLS < 1
                   MOVE "the progress callback was not called"
                       TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
      *        It sees the last snapshot too.
               MOVE WS-PROGRESS-STATE TO HAZY-STATE
               IF NOT HAZY-STATE-SUCCEEDED
                   MOVE "the callback did not see the job succeed"
                       TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
               CALL "hazy_job_model_id" USING BY VALUE WS-DONE-JOB
                                        RETURNING HAZY-TEXT-PTR
               PERFORM COPY-TEXT
               IF HAZY-TEXT-LENGTH < 1
                   MOVE "the trained job has no model id" TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
           END-IF.

      *----------------------------------------------------------------*
      * wrong_secret: Keycloak refuses the secret: AUTH, HTTP 401.     *
      *----------------------------------------------------------------*
       CASE-WRONG-SECRET.
           MOVE WS-API-ID TO WS-OPT-ID
           MOVE "not-the-secret" TO WS-OPT-SECRET
           PERFORM NEW-CLIENT
           IF CASE-PASSED
               CALL "hazy_authenticate" USING BY VALUE HAZY-CLIENT
                                              BY REFERENCE HAZY-ERROR
                                        RETURNING HAZY-STATUS
               SET EXPECT-STATUS-AUTH TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               CALL "hazy_error_http_status" USING BY VALUE HAZY-ERROR
                                             RETURNING HAZY-HTTP-STATUS
               COMPUTE HAZY-HTTP-STATUS =
                   FUNCTION MOD(HAZY-HTTP-STATUS, 65536)
               IF HAZY-HTTP-STATUS NOT = 401
                   MOVE "AUTH without HTTP status 401" TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
           END-IF.

      *----------------------------------------------------------------*
      * missing_scope: a client without hazy/TrainJob:create trains:   *
      * FORBIDDEN, hazy_error_field naming the scope.                  *
      *----------------------------------------------------------------*
       CASE-MISSING-SCOPE.
           MOVE WS-NO-TRAIN-ID TO WS-OPT-ID
           MOVE WS-NO-TRAIN-SECRET TO WS-OPT-SECRET
           PERFORM NEW-CLIENT
           IF CASE-PASSED
               CALL "hazy_authenticate" USING BY VALUE HAZY-CLIENT
                                              BY REFERENCE HAZY-ERROR
                                        RETURNING HAZY-STATUS
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               MOVE "forbidden" TO WS-VALUE
               PERFORM TRAIN-JOB
               SET EXPECT-STATUS-FORBIDDEN TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               MOVE "hazy/TrainJob:create" TO WS-EXPECT-NAME
               PERFORM EXPECT-FIELD
           END-IF.

      *----------------------------------------------------------------*
      * wait_timeout: a 60 s job (PREFIX-slow) waited for 300 ms:      *
      * TIMEOUT. The job is cancelled after.                           *
      *----------------------------------------------------------------*
       CASE-WAIT-TIMEOUT.
           MOVE WS-API-ID TO WS-OPT-ID
           MOVE WS-API-SECRET TO WS-OPT-SECRET
           PERFORM NEW-CLIENT
           IF CASE-PASSED
               MOVE "slow" TO WS-VALUE
               PERFORM TRAIN-JOB
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               PERFORM KEEP-JOB-ID
               MOVE 300 TO HAZY-TIMEOUT-MS
               CALL "hazy_job_wait" USING BY VALUE HAZY-CLIENT
                                          BY REFERENCE WS-JOB-ID-Z
                                          BY VALUE SIZE 8
                                                   HAZY-TIMEOUT-MS
                                          BY VALUE HAZY-NULL
                                          BY VALUE HAZY-NULL
                                          BY VALUE HAZY-NULL
                                          BY REFERENCE WS-DONE-JOB
                                          BY REFERENCE HAZY-ERROR
                                    RETURNING HAZY-STATUS
               SET EXPECT-STATUS-TIMEOUT TO TRUE
               PERFORM CHECK-STATUS
               IF WS-DONE-JOB NOT = NULL
                   MOVE "a timed-out wait wrote job_out" TO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
               CALL "hazy_error_free" USING BY VALUE HAZY-ERROR
               SET HAZY-ERROR TO NULL
               CALL "hazy_job_cancel" USING BY VALUE HAZY-CLIENT
                                            BY REFERENCE WS-JOB-ID-Z
                                            BY VALUE HAZY-NULL
                                            BY REFERENCE HAZY-ERROR
                                      RETURNING HAZY-STATUS
           END-IF.

      *----------------------------------------------------------------*
      * missing_field: a config without data_schema: VALIDATION before *
      * any request, hazy_error_field naming the field.                *
      *----------------------------------------------------------------*
       CASE-MISSING-FIELD.
           MOVE WS-API-ID TO WS-OPT-ID
           MOVE WS-API-SECRET TO WS-OPT-SECRET
           PERFORM NEW-CLIENT
           IF CASE-PASSED
               MOVE WS-BAD-CONFIG-PATH TO WS-LOAD-PATH
               MOVE "validation" TO WS-VALUE
               PERFORM TRAIN-JOB
               SET EXPECT-STATUS-VALIDATION TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           IF CASE-PASSED
               MOVE "data_schema" TO WS-EXPECT-NAME
               PERFORM EXPECT-FIELD
           END-IF.

      *----------------------------------------------------------------*
      * Shared steps.                                                  *
      *----------------------------------------------------------------*
      * HAZY-CLIENT for WS-OPT-ID and WS-OPT-SECRET: hazy_options_new,
      * hazy_options_set of each value (through HAZYTOC),
      * hazy_client_new, hazy_options_free.
       NEW-CLIENT.
           IF WS-HUB-URL = SPACES OR WS-TOKEN-URL = SPACES
              OR WS-OPT-ID = SPACES OR WS-OPT-SECRET = SPACES
               MOVE "HAZY_TEST_* not set: run inside the test stack"
                   TO WS-TEXT
               PERFORM FAIL-CASE
           ELSE
               CALL "hazy_options_new" RETURNING HAZY-OPTIONS
               MOVE Z"host" TO WS-KEY-Z
               MOVE WS-HUB-URL TO WS-VALUE
               PERFORM SET-OPTION
               MOVE Z"token_url" TO WS-KEY-Z
               MOVE WS-TOKEN-URL TO WS-VALUE
               PERFORM SET-OPTION
               MOVE Z"client_id" TO WS-KEY-Z
               MOVE WS-OPT-ID TO WS-VALUE
               PERFORM SET-OPTION
               MOVE Z"client_secret" TO WS-KEY-Z
               MOVE WS-OPT-SECRET TO WS-VALUE
               PERFORM SET-OPTION
               MOVE Z"poll_interval_ms" TO WS-KEY-Z
               MOVE "100" TO WS-VALUE
               PERFORM SET-OPTION
               MOVE Z"user_agent" TO WS-KEY-Z
               MOVE "libhazy-cobol-test" TO WS-VALUE
               PERFORM SET-OPTION
           END-IF
           IF CASE-PASSED
               CALL "hazy_client_new" USING BY VALUE HAZY-OPTIONS
                                            BY REFERENCE HAZY-CLIENT
                                            BY REFERENCE HAZY-ERROR
                                      RETURNING HAZY-STATUS
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF
           CALL "hazy_options_free" USING BY VALUE HAZY-OPTIONS
           SET HAZY-OPTIONS TO NULL.

       SET-OPTION.
           IF CASE-PASSED
               CALL "HAZYTOC" USING WS-VALUE
                                    BY CONTENT LENGTH OF WS-VALUE
                                    BY REFERENCE WS-VALUE-Z
                                    BY CONTENT LENGTH OF WS-VALUE-Z
               CALL "hazy_options_set" USING BY VALUE HAZY-OPTIONS
                                             BY REFERENCE WS-KEY-Z
                                             BY REFERENCE WS-VALUE-Z
                                             BY REFERENCE HAZY-ERROR
                                       RETURNING HAZY-STATUS
               SET EXPECT-STATUS-OK TO TRUE
               PERFORM CHECK-STATUS
           END-IF.

      * hazy_train of the config at WS-LOAD-PATH into project
      * PREFIX-WS-VALUE; HAZY-STATUS is left for the case to check.
       TRAIN-JOB.
           PERFORM LOAD-CONFIG
           IF CASE-PASSED
               MOVE SPACES TO WS-TEXT
               STRING FUNCTION TRIM(WS-PROJECT-PREFIX) "-"
                      FUNCTION TRIM(WS-VALUE)
                      DELIMITED BY SIZE INTO WS-TEXT
               CALL "HAZYTOC" USING WS-TEXT
                                    BY CONTENT LENGTH OF WS-TEXT
                                    BY REFERENCE WS-PROJECT-Z
                                    BY CONTENT LENGTH OF WS-PROJECT-Z
               CALL "hazy_train" USING BY VALUE HAZY-CLIENT
                                       BY REFERENCE WS-PROJECT-Z
                                       BY REFERENCE WS-CONFIG
                                       BY REFERENCE HAZY-JOB
                                       BY REFERENCE HAZY-ERROR
                                 RETURNING HAZY-STATUS
           END-IF.

       LOAD-CONFIG.
           IF WS-LOAD-PATH = SPACES
               MOVE "HAZY_COBOL_CONFIG or _BAD_CONFIG is not set"
                   TO WS-TEXT
               PERFORM FAIL-CASE
           ELSE
               CALL "HAZYLOAD" USING WS-LOAD-PATH
                                     BY CONTENT LENGTH OF WS-LOAD-PATH
                                     BY REFERENCE WS-CONFIG
                                     BY CONTENT LENGTH OF WS-CONFIG
                                     BY REFERENCE WS-CONFIG-LEN
               MOVE RETURN-CODE TO WS-RC
               IF WS-RC NOT = 0
                   MOVE WS-RC TO WS-NUMBER
                   MOVE SPACES TO WS-TEXT
                   STRING "HAZYLOAD gave " FUNCTION TRIM(WS-NUMBER)
                          " for " FUNCTION TRIM(WS-LOAD-PATH)
                          DELIMITED BY SIZE INTO WS-TEXT
                   PERFORM FAIL-CASE
               END-IF
           END-IF.

      * The submitted job's id into WS-JOB-ID-Z; the job is freed.
       KEEP-JOB-ID.
           CALL "hazy_job_id" USING BY VALUE HAZY-JOB
                              RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT
           CALL "HAZYTOC" USING WS-TEXT BY CONTENT LENGTH OF WS-TEXT
                                BY REFERENCE WS-JOB-ID-Z
                                BY CONTENT LENGTH OF WS-JOB-ID-Z
           CALL "hazy_job_free" USING BY VALUE HAZY-JOB
           SET HAZY-JOB TO NULL.

      * HAZY-STATUS is EXPECT-STATUS; if not, the case fails with
      * both names and the error's message. hazy_error_status agrees.
       CHECK-STATUS.
           IF HAZY-STATUS NOT = EXPECT-STATUS
               MOVE HAZY-STATUS TO WS-GOT-STATUS
               CALL "hazy_status_name" USING BY VALUE EXPECT-STATUS
                                       RETURNING HAZY-TEXT-PTR
               PERFORM COPY-TEXT-TO-NAME
               MOVE WS-NAME TO WS-EXPECT-NAME
               CALL "hazy_status_name" USING BY VALUE WS-GOT-STATUS
                                       RETURNING HAZY-TEXT-PTR
               PERFORM COPY-TEXT-TO-NAME
               CALL "hazy_error_message" USING BY VALUE HAZY-ERROR
                                         RETURNING HAZY-TEXT-PTR
               PERFORM COPY-TEXT
               MOVE WS-TEXT TO WS-VALUE
               MOVE SPACES TO WS-TEXT
               STRING "expected " FUNCTION TRIM(WS-EXPECT-NAME)
                      ", got " FUNCTION TRIM(WS-NAME) ": "
                      FUNCTION TRIM(WS-VALUE)
                      DELIMITED BY SIZE INTO WS-TEXT
               PERFORM FAIL-CASE
           ELSE
               IF NOT EXPECT-STATUS-OK
                   CALL "hazy_error_status" USING BY VALUE HAZY-ERROR
                                            RETURNING WS-GOT-STATUS
                   IF WS-GOT-STATUS NOT = EXPECT-STATUS
                       MOVE "hazy_error_status differs from the call's"
                           TO WS-TEXT
                       PERFORM FAIL-CASE
                   END-IF
               ELSE
                   IF HAZY-ERROR NOT = NULL
                       MOVE "an error was written on success"
                           TO WS-TEXT
                       PERFORM FAIL-CASE
                   END-IF
               END-IF
           END-IF.

      * hazy_error_field is WS-EXPECT-NAME.
       EXPECT-FIELD.
           CALL "hazy_error_field" USING BY VALUE HAZY-ERROR
                                   RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT-TO-NAME
           IF WS-NAME NOT = WS-EXPECT-NAME
               MOVE SPACES TO WS-TEXT
               STRING "hazy_error_field is '" FUNCTION TRIM(WS-NAME)
                      "', expected '" FUNCTION TRIM(WS-EXPECT-NAME)
                      "'" DELIMITED BY SIZE INTO WS-TEXT
               PERFORM FAIL-CASE
           END-IF.

       COPY-TEXT.
           CALL "HAZYFRC" USING HAZY-TEXT-PTR WS-TEXT
                                BY CONTENT LENGTH OF WS-TEXT
                                BY REFERENCE HAZY-TEXT-LENGTH.

       COPY-TEXT-TO-NAME.
           CALL "HAZYFRC" USING HAZY-TEXT-PTR WS-NAME
                                BY CONTENT LENGTH OF WS-NAME
                                BY REFERENCE HAZY-TEXT-LENGTH.
       END PROGRAM HAZYTEST.

      *================================================================*
      * HZTSTPRG: happy_path's progress callback (as TRAINPRG of       *
      * examples/cobol/TRAIN.cbl): counts its calls and keeps the last *
      * state in the userdata, WS-PROGRESS of HAZYTEST.                *
      *================================================================*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HZTSTPRG.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-JOB                      USAGE POINTER.
       LINKAGE SECTION.
       01  LK-JOB-OBJECT               PIC X.
       01  LK-PROGRESS.
           05  LK-CALLS                PIC S9(9) COMP-5.
           05  LK-STATE                PIC S9(9) COMP-5.
       PROCEDURE DIVISION USING LK-JOB-OBJECT LK-PROGRESS.
           SET WS-JOB TO ADDRESS OF LK-JOB-OBJECT
           ADD 1 TO LK-CALLS
           CALL "hazy_job_state" USING BY VALUE WS-JOB
                                 RETURNING LK-STATE
      *    The last CALL passes two arguments (HAZYLIB.cbl says why).
           CALL "HAZYCBRT" USING LK-JOB-OBJECT LK-PROGRESS
           MOVE 0 TO RETURN-CODE
           GOBACK.
       END PROGRAM HZTSTPRG.
