import RegistryCLI

TeacherRegistry.run()
