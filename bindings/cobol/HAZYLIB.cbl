      *================================================================*
      * HAZYLIB.cbl: the COBOL side of libhazy's string convention,    *
      * and the `hazy` command's exit codes (docs/cobol.md).           *
      *                                                                *
      * Four programs, compiled with the program that calls them:      *
      *   cobc -x -fstatic-call -I bindings/cobol PROG.cbl             *
      *        bindings/cobol/HAZYLIB.cbl ...                          *
      *                                                                *
      *  HAZYTOC   a space-padded field to a C string: the text        *
      *            without its trailing spaces, then X"00".            *
      *  HAZYFRC   a C string (a pointer) into a space-padded field.   *
      *  HAZYLOAD  a whole file into a field, then X"00" (a config).   *
      *  HAZYEXIT  a hazy_status to the `hazy` command's exit code     *
      *            (cli/src/exit.rs).                                  *
      *  HAZYCBRT  the last CALL of a progress callback (GnuCOBOL).    *
      *                                                                *
      * Each returns its outcome in RETURN-CODE (0: done); lengths are *
      * PIC S9(9) COMP-5 (pass BY CONTENT LENGTH OF a field). Bytes    *
      * are copied as they are: the C API wants UTF-8.                 *
      *================================================================*

      *----------------------------------------------------------------*
      * CALL "HAZYTOC" USING field BY CONTENT LENGTH OF field          *
      *                      BY REFERENCE c-field                      *
      *                      BY CONTENT LENGTH OF c-field              *
      * c-field receives field's text without trailing spaces, then    *
      * X"00"; it needs one byte more than the text. RETURN-CODE:      *
      *   0 done                                                       *
      *   1 c-field is too short (it receives "", X"00" alone)         *
      *   2 the text holds X"00", which C would end the string at      *
      *     (c-field receives "")                                      *
      * An all-space field gives "": the C API refuses it where a      *
      * value is required (HAZY-STATUS-INVALID-ARGUMENT), and          *
      * hazy_options_set takes it as "clear this option".              *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HAZYTOC.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-LEN                      PIC S9(9) COMP-5.
       01  WS-NULS                     PIC S9(9) COMP-5.
       LINKAGE SECTION.
       01  LK-TEXT                     PIC X(16777216).
       01  LK-TEXT-LEN                 PIC S9(9) COMP-5.
       01  LK-CSTR                     PIC X(16777216).
       01  LK-CSTR-LEN                 PIC S9(9) COMP-5.
       PROCEDURE DIVISION USING LK-TEXT LK-TEXT-LEN
                                LK-CSTR LK-CSTR-LEN.
           IF LK-CSTR-LEN < 1
               MOVE 1 TO RETURN-CODE
               GOBACK
           END-IF
           MOVE LK-TEXT-LEN TO WS-LEN
           PERFORM UNTIL WS-LEN < 1
                      OR LK-TEXT(WS-LEN:1) NOT = SPACE
               SUBTRACT 1 FROM WS-LEN
           END-PERFORM
           IF WS-LEN >= LK-CSTR-LEN
               MOVE X"00" TO LK-CSTR(1:1)
               MOVE 1 TO RETURN-CODE
               GOBACK
           END-IF
           IF WS-LEN > 0
               MOVE 0 TO WS-NULS
               INSPECT LK-TEXT(1:WS-LEN) TALLYING WS-NULS
                   FOR ALL X"00"
               IF WS-NULS > 0
                   MOVE X"00" TO LK-CSTR(1:1)
                   MOVE 2 TO RETURN-CODE
                   GOBACK
               END-IF
               MOVE LK-TEXT(1:WS-LEN) TO LK-CSTR(1:WS-LEN)
           END-IF
           MOVE X"00" TO LK-CSTR(WS-LEN + 1:1)
           MOVE 0 TO RETURN-CODE
           GOBACK.
       END PROGRAM HAZYTOC.

      *----------------------------------------------------------------*
      * CALL "HAZYFRC" USING pointer field BY CONTENT LENGTH OF field  *
      *                      BY REFERENCE HAZY-TEXT-LENGTH             *
      * Copies the C string at pointer (up to its X"00") into field,   *
      * padded with spaces, and sets HAZY-TEXT-LENGTH to the string's  *
      * length in bytes. A NULL pointer gives spaces and 0. The        *
      * string is only read: a borrowed one stays its object's, a      *
      * returned one (char **) is still to be freed with               *
      * hazy_string_free. RETURN-CODE:                                 *
      *   0 done                                                       *
      *   1 field is shorter than the string: it holds the first       *
      *     bytes (a UTF-8 character may be cut)                       *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HAZYFRC.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-I                        PIC S9(9) COMP-5.
       LINKAGE SECTION.
       01  LK-PTR                      USAGE POINTER.
       01  LK-FIELD                    PIC X(16777216).
       01  LK-FIELD-LEN                PIC S9(9) COMP-5.
       01  LK-TEXT-LEN                 PIC S9(9) COMP-5.
      * Addresses the C string; read only up to its X"00".
       01  LK-CHARS                    PIC X(16777216).
       PROCEDURE DIVISION USING LK-PTR LK-FIELD LK-FIELD-LEN
                                LK-TEXT-LEN.
           MOVE 0 TO LK-TEXT-LEN
           MOVE 0 TO RETURN-CODE
           IF LK-FIELD-LEN > 0
               MOVE SPACES TO LK-FIELD(1:LK-FIELD-LEN)
           END-IF
           IF LK-PTR = NULL
               GOBACK
           END-IF
           SET ADDRESS OF LK-CHARS TO LK-PTR
           MOVE 1 TO WS-I
           PERFORM UNTIL LK-CHARS(WS-I:1) = X"00"
               IF WS-I <= LK-FIELD-LEN
                   MOVE LK-CHARS(WS-I:1) TO LK-FIELD(WS-I:1)
               END-IF
               ADD 1 TO WS-I
           END-PERFORM
           COMPUTE LK-TEXT-LEN = WS-I - 1
           IF LK-TEXT-LEN > LK-FIELD-LEN
               MOVE 1 TO RETURN-CODE
           END-IF
           GOBACK.
       END PROGRAM HAZYFRC.

      *----------------------------------------------------------------*
      * CALL "HAZYLOAD" USING path BY CONTENT LENGTH OF path           *
      *                       BY REFERENCE field                       *
      *                       BY CONTENT LENGTH OF field               *
      *                       BY REFERENCE HAZY-TEXT-LENGTH            *
      * Reads the file named by path (trailing spaces dropped) into    *
      * field as it is, byte for byte, then X"00": a training config   *
      * for hazy_train, BY REFERENCE field. HAZY-TEXT-LENGTH receives  *
      * the file's size. Uses the byte-stream routines CBL_OPEN_FILE,  *
      * CBL_READ_FILE and CBL_CLOSE_FILE of GnuCOBOL and Micro Focus.  *
      * RETURN-CODE:                                                   *
      *   0 done                                                       *
      *   1 the file cannot be opened (missing, unreadable)            *
      *   2 it does not fit: field needs its size plus one byte        *
      *   3 it holds X"00", which C would end the text at              *
      *   4 reading failed                                             *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HAZYLOAD.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-PATH                     PIC X(4096).
       01  WS-HANDLE                   PIC X(4).
       01  WS-ACCESS                   PIC X COMP-X.
       01  WS-DENY                     PIC X COMP-X.
       01  WS-DEVICE                   PIC X COMP-X.
       01  WS-OFFSET                   PIC X(8) COMP-X.
       01  WS-COUNT                    PIC X(4) COMP-X.
      * Flags of CBL_READ_FILE, one byte: 128 asks for the size.
       01  WS-FLAGS-SIZE               PIC X VALUE X"80".
       01  WS-FLAGS-READ               PIC X VALUE X"00".
       01  WS-SIZE                     PIC S9(18) COMP-5.
       01  WS-NULS                     PIC S9(9) COMP-5.
       01  WS-RC                       PIC S9(9) COMP-5.
       LINKAGE SECTION.
       01  LK-PATH                     PIC X(4096).
       01  LK-PATH-LEN                 PIC S9(9) COMP-5.
       01  LK-FIELD                    PIC X(16777216).
       01  LK-FIELD-LEN                PIC S9(9) COMP-5.
       01  LK-TEXT-LEN                 PIC S9(9) COMP-5.
       PROCEDURE DIVISION USING LK-PATH LK-PATH-LEN
                                LK-FIELD LK-FIELD-LEN LK-TEXT-LEN.
           MOVE 0 TO LK-TEXT-LEN
           IF LK-FIELD-LEN < 1 OR LK-PATH-LEN < 1
                               OR LK-PATH-LEN > LENGTH OF WS-PATH
               MOVE 1 TO RETURN-CODE
               GOBACK
           END-IF
           MOVE X"00" TO LK-FIELD(1:1)
      *    CBL_OPEN_FILE takes the name space-padded, in a field of
      *    its own size.
           MOVE SPACES TO WS-PATH
           MOVE LK-PATH(1:LK-PATH-LEN) TO WS-PATH
      *    Read only, deny none, device 0.
           MOVE 1 TO WS-ACCESS
           MOVE 0 TO WS-DENY
           MOVE 0 TO WS-DEVICE
           CALL "CBL_OPEN_FILE" USING WS-PATH WS-ACCESS WS-DENY
                                      WS-DEVICE WS-HANDLE
           IF RETURN-CODE NOT = 0
               MOVE 1 TO RETURN-CODE
               GOBACK
           END-IF
      *    Flag 128: CBL_READ_FILE returns the file's size in offset.
           MOVE 0 TO WS-OFFSET
           MOVE 0 TO WS-COUNT
           CALL "CBL_READ_FILE" USING WS-HANDLE WS-OFFSET WS-COUNT
                                      WS-FLAGS-SIZE LK-FIELD
           IF RETURN-CODE NOT = 0
               MOVE 4 TO WS-RC
               PERFORM CLOSE-AND-RETURN
           END-IF
           MOVE WS-OFFSET TO WS-SIZE
           IF WS-SIZE >= LK-FIELD-LEN
               MOVE 2 TO WS-RC
               PERFORM CLOSE-AND-RETURN
           END-IF
           IF WS-SIZE > 0
               MOVE 0 TO WS-OFFSET
               MOVE WS-SIZE TO WS-COUNT
               CALL "CBL_READ_FILE" USING WS-HANDLE WS-OFFSET
                                          WS-COUNT WS-FLAGS-READ
                                          LK-FIELD
               IF RETURN-CODE NOT = 0
                   MOVE X"00" TO LK-FIELD(1:1)
                   MOVE 4 TO WS-RC
                   PERFORM CLOSE-AND-RETURN
               END-IF
               MOVE 0 TO WS-NULS
               INSPECT LK-FIELD(1:WS-SIZE) TALLYING WS-NULS
                   FOR ALL X"00"
               IF WS-NULS > 0
                   MOVE X"00" TO LK-FIELD(1:1)
                   MOVE 3 TO WS-RC
                   PERFORM CLOSE-AND-RETURN
               END-IF
           END-IF
           MOVE X"00" TO LK-FIELD(WS-SIZE + 1:1)
           MOVE WS-SIZE TO LK-TEXT-LEN
           MOVE 0 TO WS-RC
           PERFORM CLOSE-AND-RETURN.

       CLOSE-AND-RETURN.
           CALL "CBL_CLOSE_FILE" USING WS-HANDLE
           MOVE WS-RC TO RETURN-CODE
           GOBACK.
       END PROGRAM HAZYLOAD.

      *----------------------------------------------------------------*
      * CALL "HAZYEXIT" USING HAZY-STATUS HAZY-EXIT-CODE               *
      * The exit code the `hazy` command gives for a status            *
      * (cli/src/exit.rs; `hazy --help` prints the table), so that a   *
      * scheduler treats a COBOL step as it treats the CLI:            *
      *   0 success  1 internal  2 usage  3 auth  4 forbidden          *
      *   5 not-found  6 validation  7 retryable  8 server             *
      *   9 job-failed  10 cancelled  12 tls                           *
      * A status this copybook does not know gives 1.                  *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HAZYEXIT.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       COPY HAZY.
       LINKAGE SECTION.
       01  LK-STATUS                   PIC S9(9) COMP-5.
       01  LK-EXIT-CODE                PIC S9(4) COMP-5.
       PROCEDURE DIVISION USING LK-STATUS LK-EXIT-CODE.
           MOVE LK-STATUS TO HAZY-STATUS
           EVALUATE TRUE
               WHEN HAZY-STATUS-OK
                   MOVE 0 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-INVALID-ARGUMENT
                   MOVE 2 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-AUTH
               WHEN HAZY-STATUS-PROXY-AUTH
                   MOVE 3 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-FORBIDDEN
                   MOVE 4 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-NOT-FOUND
                   MOVE 5 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-VALIDATION
                   MOVE 6 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-NETWORK
               WHEN HAZY-STATUS-TIMEOUT
                   MOVE 7 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-SERVER
                   MOVE 8 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-JOB-FAILED
                   MOVE 9 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-CANCELLED
                   MOVE 10 TO LK-EXIT-CODE
               WHEN HAZY-STATUS-TLS
                   MOVE 12 TO LK-EXIT-CODE
               WHEN OTHER
      *            PROTOCOL, PANIC, INVALID-STATE, CLOSED, unknown.
                   MOVE 1 TO LK-EXIT-CODE
           END-EVALUATE
           MOVE 0 TO RETURN-CODE
           GOBACK.
       END PROGRAM HAZYEXIT.

      *----------------------------------------------------------------*
      * CALL "HAZYCBRT" USING job-parameter userdata-parameter         *
      * Does nothing; make it the last CALL of a COBOL progress        *
      * callback (hazy_progress_fn), then set RETURN-CODE and GOBACK.  *
      * Why: GnuCOBOL 3.1 gives a program as many parameters as the    *
      * last CALL statement run passed, and sets the others' addresses *
      * to NULL. When libhazy calls the callback again, the last CALL  *
      * run was the callback's own last one: with one argument (say    *
      * hazy_job_state) the userdata parameter would be NULL. This     *
      * CALL passes two. Harmless where not needed (Micro Focus, IBM). *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. HAZYCBRT.
       DATA DIVISION.
       LINKAGE SECTION.
       01  LK-JOB-OBJECT               PIC X.
       01  LK-USERDATA                 PIC X.
       PROCEDURE DIVISION USING LK-JOB-OBJECT LK-USERDATA.
           MOVE 0 TO RETURN-CODE
           GOBACK.
       END PROGRAM HAZYCBRT.
